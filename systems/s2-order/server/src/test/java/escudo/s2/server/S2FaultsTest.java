package escudo.s2.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.Bank;
import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.ledger.Account;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.Fault;
import escudo.node.testing.FaultProxy;
import escudo.node.testing.RestartableParty;
import escudo.s2.api.Delivery;
import escudo.s2.api.OrderApi;
import escudo.s2.api.PaymentCard;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.OrderKeys;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.PairwiseKeys;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a split order over real HTTP while the shop's calls to the bank (authorise, capture)
 * and to the courier (deliver, status) break on a fixed schedule, with the bank and the courier
 * restarted on their H2 files. The shop asks again on the holder's next status query, and both
 * partners answer a request they answered before with the same answer. Whatever step the shop
 * captures at, the order ends delivered, its amount held and captured once, one parcel at the
 * courier, and the shop with nothing left to ask anyone.
 */
class S2FaultsTest {

    private static final String BANK = "escudo-bank";
    private static final String SHOP = "tea-shop";
    private static final String COURIER = "escudo-courier";
    private static final String HOLDER = "alice";
    private static final Money START = Money.parse("100.00 EUR");
    /** Status queries a holder makes before the test calls the order stuck. */
    private static final int PATIENCE = 30;

    @TempDir
    Path dir;
    private final Secrets bankSecrets = Secrets.ephemeral(SigningKey.generate());
    private final String courierDeskToken = "courier-desk-token-" + "x".repeat(32);
    private final Secrets courierSecrets = Secrets.ephemeral(SigningKey.generate(), courierDeskToken, bankSecrets.operatorToken());
    private final SigningKey shopKey = SigningKey.generate();
    private final OrderKeys bankKeys = OrderKeys.Directory.ephemeral();
    private final OrderKeys courierKeys = OrderKeys.Directory.ephemeral();
    private final List<AutoCloseable> open = new ArrayList<>();
    private volatile Database bankDb;
    private RestartableParty bank;
    private RestartableParty courier;
    private FaultProxy toBank;
    private FaultProxy toCourier;
    private PartyNode shopNode;
    private PairwiseKeys holderKeys;
    private PaymentCard card;
    private PartyClient shop;
    private ChannelClient holder;

    @BeforeEach
    void start() {
        bank = track(RestartableParty.start(() -> {
            bankDb = RestartableParty.durableDatabase(dir.resolve("bank"));
            return PartyNode.of(Role.ISSUER, config(Map.of())).database(bankDb).secrets(bankSecrets).with(OrderKeys.class, bankKeys).start();
        }));
        toBank = track(FaultProxy.to(bank::uri));
        courier = track(RestartableParty.start(() -> PartyNode.of(Role.COURIER, config(Map.of("escudo.issuer.url", toBank.uri().toString())))
                .database(RestartableParty.durableDatabase(dir.resolve("courier"))).secrets(courierSecrets)
                .with(OrderKeys.class, courierKeys).start()));
        toCourier = track(FaultProxy.to(courier::uri));
        shopNode = track(PartyNode.of(Role.MERCHANT, config(Map.of("escudo.merchant.id", SHOP, "escudo.issuer.url", toBank.uri().toString(),
                        "escudo.courier.url", toCourier.uri().toString(),
                        // the holder asks for the order's status as often as it takes, from one address
                        "escudo.rate.limit", "1000000", "escudo.rate.burst", "1000000"))).database(TestDatabase.create())
                .secrets(Secrets.ephemeral(shopKey, "shop-desk-token-" + "z".repeat(32), bankSecrets.operatorToken()))
                .with(OrderKeys.class, OrderKeys.Directory.ephemeral()).start());
        try (PartyClient desk = bankDesk()) {
            desk.post("/issuer/merchants", new BankApi.OpenMerchant(SHOP, "Tea shop", "EUR", shopKey.verifyingKey()), BankApi.Balance.class);
            desk.post("/issuer/customers", new BankApi.OpenCustomer(HOLDER, "Alice Martin", START), BankApi.Balance.class);
            card = desk.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard(HOLDER), PaymentCard.class);
            DirectoryKeys alice = DirectoryKeys.generate(HOLDER, RemoteDirectory.over(track(new PartyClient(toBank.uri()))));
            RemoteDirectory.register(desk, HOLDER, alice.publicKey(), SigningKey.generate());
            holderKeys = alice;
        }
        shop = track(new PartyClient(shopNode.uri()));
        holder = track(new ChannelClient(holderKeys, SHOP, new PartyClient(shopNode.uri()), "/merchant"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void theBanksAnswersLostDuplicatedOrCutByARestartStillHoldAndCaptureTheOrderOnce() {
        // Every call of the shop's to the bank in turn, authorisation and capture alike, wherever capture falls.
        toBank.plan("POST /issuer/s2/requests", Fault.loseResponse(), Fault.duplicate(), Fault.pass(), Fault.loseResponse(),
                Fault.resetAfterAnswer().then(bank::restart), Fault.duplicate(), Fault.loseRequest());
        toBank.plan("POST /issuer/s2/hello", Fault.pass(), Fault.reset());
        int queries = orderAndFollowToTheEnd(3);
        assertEquals(0, toBank.unplayed());
        System.out.printf("S2 shop to bank: %d status queries, %d requests to the bank, %d faults injected, %d bank restarts%n",
                queries, toBank.exchanges().size(), toBank.faultsInjected(), bank.restarts());
    }

    @Test
    void theCouriersAnswersLostDuplicatedOrCutByARestartStillShipTheOrderOnce() {
        toCourier.plan("POST /courier/s2/hello", Fault.reset());
        toCourier.plan("POST /courier/s2/requests", Fault.loseResponse(), Fault.duplicate(), Fault.loseResponse().then(courier::restart),
                Fault.pass(), Fault.resetAfterAnswer(), Fault.duplicate());
        int queries = orderAndFollowToTheEnd(2);
        assertEquals(0, toCourier.unplayed());
        System.out.printf("S2 shop to courier: %d status queries, %d requests to the courier, %d faults injected, %d courier restarts%n",
                queries, toCourier.exchanges().size(), toCourier.faultsInjected(), courier.restarts());
    }

    /**
     * The holder orders {@code quantity} of the first item and asks for its status until the shop
     * is done with it; the courier's desk picks the parcel up once dispatched and delivers it once
     * the bank has paid the shop. Returns how many status queries it took.
     */
    private int orderAndFollowToTheEnd(int quantity) {
        OrderApi.Catalogue catalogue = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class);
        Offer offer = shop.post("/merchant/shop/offers", new Basket(List.of(new Basket.Line(catalogue.items().getFirst().sku(), quantity))),
                Offer.class);
        Shopper.Details details = new Shopper.Details("Alice Martin, +34 600 000 000", card.cardNumber(), card.expiry(), "Calle Falsa 123");
        OrderStatus status = holder.call(OrderMessage.Kind.PLACE_ORDER,
                new OrderMessage.Placement(Bytes.of(new Shopper(holderKeys, BANK).seal(offer, details).encode())), OrderStatus.class);
        boolean pickedUp = false;
        int queries = 0;
        while (!(status.state() == OrderState.DELIVERED && shopHasNothingToAsk(offer))) {
            assertTrue(queries++ < PATIENCE, "the order is stuck: " + status);
            if (status.state() == OrderState.DISPATCHED && !pickedUp) {
                courierDesk(status.trackingId(), DeliveryState.PICKED_UP);
                pickedUp = true;
            } else if (status.state() == OrderState.DISPATCHED && paidOnce(offer.amount())) {
                courierDesk(status.trackingId(), DeliveryState.DELIVERED);
            }
            status = status(offer);
        }
        assertHeldAndCapturedOnce(offer, status);
        return queries;
    }

    /** A status query that sends nothing to the bank or the courier: the shop recorded the capture and the delivery. */
    private boolean shopHasNothingToAsk(Offer offer) {
        int before = toBank.exchanges().size() + toCourier.exchanges().size();
        OrderStatus again = status(offer);
        return again.state() == OrderState.DELIVERED && toBank.exchanges().size() + toCourier.exchanges().size() == before;
    }

    private void assertHeldAndCapturedOnce(Offer offer, OrderStatus status) {
        Money amount = offer.amount();
        assertEquals(START.minus(amount), holderAccount().balance(), "the holder paid once");
        assertEquals(Money.parse("0.00 EUR"), holderAccount().pendingDebits(), "nothing is still held");
        assertEquals(amount, shopAccount().balance(), "the shop was paid once");
        assertEquals(Money.parse("0.00 EUR"), shopAccount().pendingCredits());
        try (PartyClient desk = bankDesk(); PartyClient courierDesk = courierDesk()) {
            assertEquals(0L, desk.get("/issuer/ledger", BankApi.LedgerView.class).totals().get("EUR"), "the ledger sums to zero");
            List<Delivery> deliveries = courierDesk.get("/courier/deliveries", OrderApi.Deliveries.class).deliveries();
            assertEquals(1, deliveries.size(), "one parcel");
            assertEquals(status.trackingId(), deliveries.getFirst().trackingId(), "the shop follows the courier's parcel");
            assertEquals(DeliveryState.DELIVERED, deliveries.getFirst().state());
        }
        assertTrue(status.authorisationId() != null && status.authorisationId().startsWith("AUTH-"), status.toString());
    }

    private boolean paidOnce(Money amount) {
        return shopAccount().balance().equals(amount);
    }

    private Account holderAccount() {
        return bankDb.inTransaction(tx -> bank.node().service(Bank.class).currentAccount(tx, HOLDER));
    }

    private Account shopAccount() {
        return bankDb.inTransaction(tx -> bank.node().service(Bank.class).depositAccount(tx, SHOP));
    }

    private OrderStatus status(Offer offer) {
        return holder.call(OrderMessage.Kind.ORDER_STATUS, new OrderMessage.StatusQuery(offer.orderId()), OrderStatus.class);
    }

    private void courierDesk(String trackingId, DeliveryState state) {
        try (PartyClient desk = courierDesk()) {
            desk.post("/courier/deliveries/" + trackingId + "/status", new OrderApi.Advance(state), OrderMessage.DeliveryReceipt.class);
        }
    }

    /** The desks talk to the parties directly (each a new client: a restarted party listens on another port). */
    private PartyClient bankDesk() {
        return new PartyClient(bank.uri(), bankSecrets.operatorToken());
    }

    private PartyClient courierDesk() {
        return new PartyClient(courier.uri(), courierDeskToken);
    }

    private NodeConfig config(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0",
                "escudo.merchant.port", "0", "escudo.courier.port", "0", "escudo.courier.id", COURIER));
        settings.putAll(more);
        return NodeConfig.of(settings);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }
}
