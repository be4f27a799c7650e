package escudo.s2.server;

import escudo.bank.Bank;
import escudo.core.Bytes;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import java.util.Map;
import escudo.s2.client.OrderKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.node.http.Desk;
import escudo.s2.protocol.OrderException;
import escudo.s2.api.PaymentCard;
import escudo.bank.client.BankApi;
import escudo.s2.api.OrderApi;
import escudo.http.PartyClient;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.SplitOrder;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * S2 end to end over real HTTP (seed 002, Fig. 1): a holder orders from the shop, the shop gets
 * the bank's authorisation, the courier delivers. Every hop runs the claim-7 party channel. Both
 * key modes, the refusals, and what each party's storage and the logs may contain.
 */
class S2OverHttpTest {

    private static final String BANK = "escudo-bank";
    private static final String SHOP = "tea-shop";
    private static final String COURIER = "escudo-courier";
    private static final String HOLDER = "alice";
    private static final String DESTINATION = "Calle Falsa 123, 28013 Madrid";
    private static final String CONTACT = "Alice Martin, +34 600 000 000";

    private final List<AutoCloseable> open = new ArrayList<>();
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private final Logger escudoLog = Logger.getLogger("escudo");
    private final List<LogRecord> logs = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logs) {
                logs.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private Database bankDb;
    private Database shopDb;
    private Database courierDb;
    private PartyNode bankNode;
    private PartyNode shopNode;
    private PartyNode courierNode;
    private PartyClient bankDesk;
    private PartyClient courierDesk;
    private PartyClient shop;
    private PairwiseKeys holderKeys;
    private PaymentCard card;
    private String courierDeskToken;

    /** Directory mode: every party's X25519 key in the bank's directory, published over HTTP. */
    private void startWithDirectory() {
        start(OrderKeys.Directory.ephemeral(), OrderKeys.Directory.ephemeral(), OrderKeys.Directory.ephemeral());
        KeyDirectory directory = RemoteDirectory.over(track(new PartyClient(bankNode.uri())));
        DirectoryKeys alice = DirectoryKeys.generate(HOLDER, directory);
        RemoteDirectory.register(bankDesk, HOLDER, alice.publicKey(), SigningKey.generate());
        holderKeys = alice;
    }

    /** Blom mode: the key authority hands each party its share; no directory is consulted. */
    private void startWithBlom() {
        BlomAuthority authority = BlomAuthority.generate(5, new java.security.SecureRandom());
        start(new OrderKeys.Blom(authority.issue(BANK)), new OrderKeys.Blom(authority.issue(SHOP)),
                new OrderKeys.Blom(authority.issue(COURIER)));
        holderKeys = authority.issue(HOLDER);
    }

    private void start(OrderKeys bankKeys, OrderKeys shopKeys, OrderKeys courierKeys) {
        Logger.getLogger("").addHandler(capture);
        escudoLog.setLevel(Level.ALL); // the parties' own debug lines too
        bankDb = TestDatabase.create();
        shopDb = TestDatabase.create();
        courierDb = TestDatabase.create();
        bankNode = track(PartyNode.of(Role.ISSUER, config(Map.of())).database(bankDb)
                .secrets(Secrets.ephemeral(SigningKey.generate())).with(OrderKeys.class, bankKeys).start());
        bankDesk = track(new PartyClient(bankNode.uri(), bankNode.operatorToken()));
        courierDeskToken = "courier-desk-token-" + "x".repeat(32);
        courierNode = track(courier(COURIER, courierKeys, bankNode.operatorToken()));
        courierDesk = track(new PartyClient(courierNode.uri(), courierDeskToken));
        SigningKey shopKey = SigningKey.generate();
        shopNode = track(PartyNode.of(Role.MERCHANT, config(Map.of("escudo.merchant.id", SHOP,
                        "escudo.courier.url", courierNode.uri().toString()))).database(shopDb)
                .secrets(Secrets.ephemeral(shopKey, "shop-desk-token-" + "z".repeat(32), bankNode.operatorToken()))
                .with(OrderKeys.class, shopKeys).start());
        shop = track(new PartyClient(shopNode.uri()));
        bankDesk.post("/issuer/merchants", new BankApi.OpenMerchant(SHOP, "Tea shop", "EUR", shopKey.verifyingKey()),
                BankApi.Balance.class);
        bankDesk.post("/issuer/customers", new BankApi.OpenCustomer(HOLDER, "Alice Martin", Money.parse("100.00 EUR")),
                BankApi.Balance.class);
        card = bankDesk.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard(HOLDER), PaymentCard.class);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        escudoLog.setLevel(null);
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    // ---- the flow, both key modes ----

    @Test
    void splitOrderFromBasketToDeliveryWithTheKeyDirectory() {
        startWithDirectory();
        basketToDelivery();
    }

    @Test
    void splitOrderFromBasketToDeliveryWithBlomShares() {
        startWithBlom();
        basketToDelivery();
    }

    private void basketToDelivery() {
        OrderApi.Catalogue catalogue = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class);
        assertEquals(SHOP, catalogue.sellerId());
        String sku = catalogue.items().getFirst().sku();
        Offer offer = offer(new Basket.Line(sku, 2));
        assertEquals(catalogue.items().getFirst().unitPrice().times(2), offer.amount());
        assertEquals(List.of(BANK, COURIER), List.of(offer.issuerId(), offer.courierId()));

        OrderStatus placed = place(holderKeys, seal(offer, card.expiry()));
        assertEquals(OrderState.DISPATCHED, placed.state());
        assertTrue(placed.authorisationId() != null && placed.trackingId() != null, placed.toString());
        // accepted by the courier, not picked up: the amount is held for the shop, not paid
        assertHeldNotPaid(offer.amount());
        assertEquals(OrderState.DISPATCHED, status(offer).state());
        assertHeldNotPaid(offer.amount());

        // the courier's desk moves the parcel; the status query that learns of the pickup pays the shop
        courier(placed, DeliveryState.PICKED_UP);
        assertEquals(OrderState.DISPATCHED, status(offer).state());
        assertPaid(offer.amount());
        courier(placed, DeliveryState.DELIVERED);
        assertEquals(OrderState.DELIVERED, status(offer).state());
        assertEquals(OrderState.DELIVERED, status(offer).state());
        assertPaid(offer.amount());

        // the courier knows where; the bank knows the card; nobody else does
        assertTrue(TestDatabase.dump(courierDb).contains(DESTINATION));
        assertTrue(TestDatabase.dump(bankDb).contains(card.cardNumber()));
        assertNoLeaks();
    }

    @Test
    void aDeliveryThatFailsBeforePickupGivesTheHolderTheMoneyBackAndPaysNobody() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 3));
        OrderStatus placed = place(holderKeys, seal(offer, card.expiry()));
        assertHeldNotPaid(offer.amount());
        courier(placed, DeliveryState.FAILED);
        assertEquals(OrderState.DELIVERY_FAILED, status(offer).state());
        // the shop released the hold at the bank: all of it is Alice's again, nothing moved
        assertEquals(Money.parse("100.00 EUR"), customerBalance());
        assertEquals(Money.parse("100.00 EUR"), holderAccount().available());
        assertEquals(Money.parse("0.00 EUR"), merchantBalance());
        assertEquals(Money.parse("0.00 EUR"), shopAccount().pendingCredits());
        assertEquals(OrderState.DELIVERY_FAILED, status(offer).state());
        assertEquals(0L, ledgerTotal());
    }

    @Test
    void aDeliveryThatFailsAfterPickupHasPaidTheShop() {
        startWithBlom();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        OrderStatus placed = place(holderKeys, seal(offer, card.expiry()));
        // picked up and then lost between two status queries: the shop never saw PICKED_UP
        courier(placed, DeliveryState.PICKED_UP);
        courier(placed, DeliveryState.FAILED);
        assertEquals(OrderState.DELIVERY_FAILED, status(offer).state());
        assertPaid(offer.amount());
        assertEquals(OrderState.DELIVERY_FAILED, status(offer).state());
        assertPaid(offer.amount());
    }

    // ---- refusals: clear errors, nothing moves ----

    @Test
    void aDeclinedCardChargesNothingAndShipsNothing() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, seal(offer, "01/21")));
        assertEquals(OrderException.CARD_DECLINED, e.code());
        assertUntouched();
        OrderStatus status = holder(holderKeys).call(OrderMessage.Kind.ORDER_STATUS,
                new OrderMessage.StatusQuery(offer.orderId()), OrderStatus.class);
        assertEquals(OrderState.DECLINED, status.state());
        assertEquals(OrderException.CARD_DECLINED.value(), status.reason());
        assertNoLeaks();
    }

    @Test
    void insufficientFundsChargeNothing() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(mostExpensiveSku(), 20));
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, seal(offer, card.expiry())));
        assertEquals(OrderException.INSUFFICIENT_FUNDS, e.code());
        assertUntouched();
    }

    @Test
    void aReplayedOrderIsRefusedAndPaidOnce() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        SplitOrder.Sealed bundle = seal(offer, card.expiry());
        OrderStatus placed = place(holderKeys, bundle);
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, bundle));
        assertEquals(OrderException.REPLAYED, e.code());
        assertHeldNotPaid(offer.amount());
        assertEquals(1, courierDesk.get("/courier/deliveries", OrderApi.Deliveries.class).deliveries().size());
        courier(placed, DeliveryState.PICKED_UP);
        status(offer);
        assertEquals(OrderException.REPLAYED, assertThrows(EscudoException.class, () -> place(holderKeys, bundle)).code());
        assertPaid(offer.amount());
    }

    @Test
    void aHolderWithTheWrongKeyCannotConfirmTheShop() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        // same identifier, other key: the shop's proof is made with the real alice's key
        PairwiseKeys impostor = DirectoryKeys.generate(HOLDER, RemoteDirectory.over(track(new PartyClient(bankNode.uri()))));
        EscudoException e = assertThrows(EscudoException.class, () -> place(impostor, seal(offer, card.expiry())));
        assertEquals(OrderException.PARTY_UNAUTHENTICATED, e.code());
        assertUntouched();
    }

    @Test
    void anUnknownHolderIsRefused() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        KeyDirectory directory = RemoteDirectory.over(track(new PartyClient(bankNode.uri())));
        PairwiseKeys stranger = DirectoryKeys.generate("mallory", directory);
        EscudoException e = assertThrows(EscudoException.class, () -> place(stranger, new Shopper(stranger, BANK).seal(offer, details(card.expiry()))));
        assertEquals(OrderException.UNKNOWN_PARTY, e.code());
        assertUntouched();
    }

    @Test
    void anOrderSealedForAnotherShopIsRefused() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        Offer elsewhere = new Offer(offer.orderId(), "other-shop", offer.issuerId(), offer.courierId(), offer.items(),
                offer.amount(), offer.form(), offer.expiresAt());
        RemoteDirectory.register(bankDesk, "other-shop",
                DirectoryKeys.generate("other-shop", new KeyDirectory()).publicKey(), SigningKey.generate());
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, seal(elsewhere, card.expiry())));
        assertEquals(OrderException.WRONG_RECIPIENT, e.code());
        assertUntouched();
    }

    @Test
    void aTamperedIssuerPartIsRefusedByTheBankAndChargesNothing() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        SplitOrder.Sealed bundle = seal(offer, card.expiry());
        List<SplitOrder.SealedPart> parts = new ArrayList<>();
        for (SplitOrder.SealedPart part : bundle.parts()) {
            byte[] ciphertext = part.ciphertext().toByteArray();
            if (part.role() == SplitOrder.Role.ISSUER) {
                ciphertext[ciphertext.length - 1] ^= 1;
            }
            parts.add(new SplitOrder.SealedPart(part.role(), part.recipient(), part.commitment(), Bytes.of(ciphertext)));
        }
        SplitOrder.Sealed tampered = new SplitOrder.Sealed(bundle.orderId(), bundle.holderId(), parts, bundle.digest());
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, tampered));
        assertEquals(OrderException.PART_TAMPERED, e.code());
        assertUntouched();
    }

    @Test
    void aPartSwappedInFromAnotherOrderIsRefused() {
        startWithDirectory();
        SplitOrder.Sealed first = seal(offer(new Basket.Line(firstSku(), 1)), card.expiry());
        SplitOrder.Sealed second = seal(offer(new Basket.Line(firstSku(), 3)), card.expiry());
        List<SplitOrder.SealedPart> parts = new ArrayList<>();
        for (SplitOrder.SealedPart part : second.parts()) {
            parts.add(part.role() == SplitOrder.Role.ISSUER ? first.partFor(BANK) : part);
        }
        SplitOrder.Sealed spliced = new SplitOrder.Sealed(second.orderId(), second.holderId(), parts, second.digest());
        EscudoException e = assertThrows(EscudoException.class, () -> place(holderKeys, spliced));
        assertEquals(OrderException.BINDING_MISMATCH, e.code());
        assertUntouched();
    }

    @Test
    void aReplayedChannelRequestIsRefused() {
        startWithDirectory();
        Offer offer = offer(new Basket.Line(firstSku(), 1));
        escudo.s2.protocol.PartyChannel.Session session = escudo.s2.protocol.PartyChannel.confirm(holderKeys, SHOP,
                hello -> shop.post("/merchant/s2/hello", hello, escudo.s2.protocol.PartyChannel.Challenge.class));
        escudo.s2.protocol.PartyChannel.Request request = session.request(OrderMessage.Kind.ORDER_STATUS.wireName(),
                escudo.http.Json.write(new OrderMessage.StatusQuery(offer.orderId())));
        EscudoException first = assertThrows(EscudoException.class,
                () -> shop.post("/merchant/s2/requests", request, escudo.s2.protocol.PartyChannel.Reply.class));
        assertEquals(OrderException.NOT_FOUND, first.code(), "no such order yet: the request itself was authentic");
        EscudoException replay = assertThrows(EscudoException.class,
                () -> shop.post("/merchant/s2/requests", request, escudo.s2.protocol.PartyChannel.Reply.class));
        assertEquals(OrderException.CHALLENGE_UNKNOWN, replay.code());
    }

    @Test
    void deskRoutesNeedTheirOperatorToken() {
        startWithDirectory();
        PartyClient anonymousBank = track(new PartyClient(bankNode.uri()));
        EscudoException e = assertThrows(EscudoException.class, () -> anonymousBank.post("/issuer/payment-cards",
                new OrderApi.IssuePaymentCard(HOLDER), PaymentCard.class));
        assertEquals(Desk.OPERATOR_ONLY, e.code());
        PartyClient anonymousCourier = track(new PartyClient(courierNode.uri()));
        assertEquals(Desk.OPERATOR_ONLY, assertThrows(EscudoException.class,
                () -> anonymousCourier.get("/courier/deliveries", OrderApi.Deliveries.class)).code());
        // the directory publishes public keys to anyone, and refuses a registration without a valid proof
        assertEquals(BANK, anonymousBank.get("/issuer/directory/" + BANK, OrderApi.DirectoryEntry.class).id());
        SigningKey key = SigningKey.generate();
        Bytes x = DirectoryKeys.generate("eve", new KeyDirectory()).publicKey();
        EscudoException badProof = assertThrows(EscudoException.class, () -> bankDesk.post("/issuer/directory",
                new OrderApi.Registration("eve", x, key.verifyingKey(), Bytes.of(new byte[64])), OrderApi.DirectoryEntry.class));
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, badProof.kind());
        assertEquals(OrderException.UNKNOWN_PARTY, assertThrows(EscudoException.class,
                () -> anonymousBank.get("/issuer/directory/eve", OrderApi.DirectoryEntry.class)).code());
    }

    @Test
    void aNodeWithoutTheBanksTokenStartsButStaysOutOfTheDirectoryUntilTheDeskRegistersIt() {
        startWithDirectory();
        PartyNode other = track(courier("other-courier", OrderKeys.Directory.ephemeral(), "not-the-banks-token-" + "y".repeat(32)));
        assertEquals("other-courier", track(new PartyClient(other.uri())).get("/courier", OrderApi.CourierInfo.class).courierId());
        PartyClient anyone = track(new PartyClient(bankNode.uri()));
        assertEquals(OrderException.UNKNOWN_PARTY, assertThrows(EscudoException.class,
                () -> anyone.get("/issuer/directory/other-courier", OrderApi.DirectoryEntry.class)).code());
    }

    // ---- helpers ----

    /** The node settings of this test's parties: every port free, the bank at {@code bankNode}, plus {@code more}. */
    private NodeConfig config(Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0",
                "escudo.merchant.port", "0", "escudo.courier.port", "0", "escudo.courier.id", COURIER));
        if (bankNode != null) {
            settings.put("escudo.issuer.url", bankNode.uri().toString());
        }
        settings.putAll(more);
        return NodeConfig.of(settings);
    }

    /** A courier node whose desk opens with {@link #courierDeskToken} and which presents {@code bankDeskToken} to the bank. */
    private PartyNode courier(String id, OrderKeys keys, String bankDeskToken) {
        return PartyNode.of(Role.COURIER, config(Map.of("escudo.courier.id", id))).database(id.equals(COURIER) ? courierDb : TestDatabase.create())
                .secrets(Secrets.ephemeral(SigningKey.generate(), courierDeskToken, bankDeskToken)).with(OrderKeys.class, keys).start();
    }

    private Offer offer(Basket.Line... lines) {
        return shop.post("/merchant/shop/offers", new Basket(List.of(lines)), Offer.class);
    }

    private String firstSku() {
        return shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class).items().getFirst().sku();
    }

    private String mostExpensiveSku() {
        return shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class).items().stream()
                .max((a, b) -> a.unitPrice().compareTo(b.unitPrice())).orElseThrow().sku();
    }

    private Shopper.Details details(String expiry) {
        return new Shopper.Details(CONTACT, card.cardNumber(), expiry, DESTINATION);
    }

    private SplitOrder.Sealed seal(Offer offer, String expiry) {
        return new Shopper(holderKeys, BANK).seal(offer, details(expiry));
    }

    private ChannelClient holder(PairwiseKeys keys) {
        return track(new ChannelClient(keys, SHOP, new PartyClient(shopNode.uri()), "/merchant"));
    }

    private OrderStatus place(PairwiseKeys keys, SplitOrder.Sealed bundle) {
        return holder(keys).call(OrderMessage.Kind.PLACE_ORDER, new OrderMessage.Placement(Bytes.of(bundle.encode())), OrderStatus.class);
    }

    private OrderStatus status(Offer offer) {
        return holder(holderKeys).call(OrderMessage.Kind.ORDER_STATUS, new OrderMessage.StatusQuery(offer.orderId()), OrderStatus.class);
    }

    /** The courier's desk reports where the parcel is. */
    private void courier(OrderStatus order, DeliveryState state) {
        courierDesk.post("/courier/deliveries/" + order.trackingId() + "/status", new OrderApi.Advance(state),
                OrderMessage.DeliveryReceipt.class);
    }

    private Bank bank() {
        return bankNode.service(Bank.class);
    }

    private escudo.ledger.Account holderAccount() {
        return bankDb.inTransaction(tx -> bank().currentAccount(tx, HOLDER));
    }

    private escudo.ledger.Account shopAccount() {
        return bankDb.inTransaction(tx -> bank().depositAccount(tx, SHOP));
    }

    /** The amount is reserved on Alice's account for the shop, and nothing has moved. */
    private void assertHeldNotPaid(Money amount) {
        assertEquals(Money.parse("100.00 EUR"), customerBalance());
        assertEquals(Money.parse("100.00 EUR").minus(amount), holderAccount().available());
        assertEquals(amount, holderAccount().pendingDebits());
        assertEquals(Money.parse("0.00 EUR"), merchantBalance());
        assertEquals(amount, shopAccount().pendingCredits());
        assertEquals(0L, ledgerTotal(), "the ledger still sums to zero");
    }

    /** The hold was posted, once: the shop has the amount, Alice's account paid it and reserves nothing more. */
    private void assertPaid(Money amount) {
        assertEquals(Money.parse("100.00 EUR").minus(amount), customerBalance());
        assertEquals(Money.parse("100.00 EUR").minus(amount), holderAccount().available());
        assertEquals(Money.parse("0.00 EUR"), holderAccount().pendingDebits());
        assertEquals(amount, merchantBalance());
        assertEquals(Money.parse("0.00 EUR"), shopAccount().pendingCredits());
        assertEquals(0L, ledgerTotal(), "the ledger still sums to zero");
    }

    private Money customerBalance() {
        return bankDesk.get("/issuer/customers/" + HOLDER, BankApi.Balance.class).balance();
    }

    private Money merchantBalance() {
        return bankDesk.get("/issuer/merchants/" + SHOP, BankApi.Balance.class).balance();
    }

    private long ledgerTotal() {
        return bankDesk.get("/issuer/ledger", BankApi.LedgerView.class).totals().get("EUR");
    }

    /** Nothing was charged and nothing was handed to the courier. */
    private void assertUntouched() {
        assertEquals(Money.parse("100.00 EUR"), customerBalance());
        assertEquals(Money.parse("0.00 EUR"), merchantBalance());
        assertTrue(courierDesk.get("/courier/deliveries", OrderApi.Deliveries.class).deliveries().isEmpty());
    }

    /**
     * The card number is nowhere at the seller or the courier, the destination nowhere at the
     * seller or the bank, and neither is in any log line of the whole run.
     */
    private void assertNoLeaks() {
        String number = card.cardNumber();
        assertFalse(TestDatabase.dump(shopDb).contains(number), "the shop stored the card number");
        assertFalse(TestDatabase.dump(courierDb).contains(number), "the courier stored the card number");
        assertFalse(TestDatabase.dump(shopDb).contains(card.expiry()) || TestDatabase.dump(courierDb).contains(card.expiry()),
                "the card's expiry left the bank");
        assertFalse(TestDatabase.dump(shopDb).contains(DESTINATION), "the shop stored the destination");
        assertFalse(TestDatabase.dump(bankDb).contains(DESTINATION), "the bank stored the destination");
        System.getLogger("escudo.test").log(System.Logger.Level.DEBUG, "the capture sees debug lines");
        synchronized (logs) {
            assertTrue(logs.stream().anyMatch(r -> "the capture sees debug lines".equals(r.getMessage())), "logs are captured");
            for (LogRecord record : logs) {
                String text = record.getMessage() + " " + java.util.Arrays.toString(record.getParameters())
                        + (record.getThrown() == null ? "" : " " + stackTrace(record.getThrown()));
                assertFalse(text.contains(number) || text.contains(DESTINATION), "a log line leaks order data: " + text);
            }
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
