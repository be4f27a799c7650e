package escudo.s2.server.seller;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.OrderMessage.Placement;
import escudo.s2.protocol.OrderMessage.ReleaseRequest;
import escudo.s2.protocol.OrderMessage.StatusQuery;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.protocol.SplitOrder.SealedPart;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The seller of S2 (seed 002, Fig. 1, claim 1), against an issuer and a courier that really open their parts. */
class ShopTest {

    static final String HOLDER = "holder:alice";
    static final String SELLER = "shop.example";
    static final String ISSUER = "issuer.example";
    static final String COURIER = "courier.example";
    static final String OTHER_ISSUER = "issuer.elsewhere";
    static final String MALLORY = "holder:mallory";
    static final String CARD = "4111111111111111";
    static final String DESTINATION = "Rua das Flores 12, 1200-195 Lisboa";
    static final String CONTACT = "Alice Martins, +351 21 000 0000";
    static final Shopper.Details DETAILS = new Shopper.Details(CONTACT, CARD, "12/30", DESTINATION);

    enum Mode { DIRECTORY, BLOM }

    /** Everyone's pairwise keys in one mode. */
    record Parties(PairwiseKeys holder, PairwiseKeys seller, PairwiseKeys issuer, PairwiseKeys courier,
                   PairwiseKeys otherIssuer, PairwiseKeys mallory) {
        static Parties of(Mode mode) {
            if (mode == Mode.DIRECTORY) {
                KeyDirectory directory = new KeyDirectory();
                return new Parties(enrol(HOLDER, directory), enrol(SELLER, directory), enrol(ISSUER, directory),
                        enrol(COURIER, directory), enrol(OTHER_ISSUER, directory), enrol(MALLORY, directory));
            }
            BlomAuthority authority = BlomAuthority.generate(6, new SecureRandom());
            return new Parties(authority.issue(HOLDER), authority.issue(SELLER), authority.issue(ISSUER),
                    authority.issue(COURIER), authority.issue(OTHER_ISSUER), authority.issue(MALLORY));
        }

        private static DirectoryKeys enrol(String id, KeyDirectory directory) {
            DirectoryKeys keys = DirectoryKeys.generate(id, directory);
            directory.register(id, keys.publicKey(), SigningKey.generate().verifyingKey());
            return keys;
        }
    }

    private final Database db = TestDatabase.create();
    private final TestClock clock = new TestClock(Instant.parse("2026-03-02T10:00:00Z"));
    private Parties parties;
    private TestPartners partners;
    private Shop shop;
    private Shopper alice;
    private Shopper mallory;

    private void open(Mode mode) {
        parties = Parties.of(mode);
        partners = new TestPartners(parties.issuer(), parties.courier(), clock);
        shop = new Shop(ShopSettings.defaults(SELLER, ISSUER, COURIER, "EUR"), db, parties.seller(), partners, clock);
        alice = new Shopper(parties.holder(), ISSUER);
        mallory = new Shopper(parties.mallory(), ISSUER);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Offer teaAndKettle() {
        return shop.offer(new Basket(List.of(new Basket.Line("tea-green-100g", 2), new Basket.Line("kettle", 1))));
    }

    private static Placement placement(Sealed bundle) {
        return new Placement(Bytes.of(bundle.encode()));
    }

    private static StatusQuery query(Offer offer) {
        return new StatusQuery(offer.orderId());
    }


    /** The offer naming another issuer, as a confused holder's wallet might fill it. */
    private static Offer withIssuer(Offer offer, String issuerId) {
        return new Offer(offer.orderId(), offer.sellerId(), issuerId, offer.courierId(), offer.items(), offer.amount(),
                offer.form(), offer.expiresAt());
    }

    /**
     * The order sealed by hand with other items or another amount in the seller's part, as a
     * dishonest holder might send it (the {@link Shopper} itself checks the offer's arithmetic).
     */
    private Sealed sealedWith(Offer offer, String items, Money amount) {
        return sealWithSellerPart(offer, SplitOrder.Form.standard(), Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, items,
                SplitOrder.AMOUNT, amount.toString(), SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT));
    }

    private long count(String table) {
        return db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM " + table, r -> r.getLong(1)).orElseThrow());
    }

    private Instant capturedAt(Offer offer) {
        return instantColumn(offer, "captured_at");
    }

    private Instant pickedUpAt(Offer offer) {
        return instantColumn(offer, "picked_up_at");
    }

    private Instant releasedAt(Offer offer) {
        return instantColumn(offer, "released_at");
    }

    private Instant instantColumn(Offer offer, String column) {
        return db.inTransaction(tx -> tx.queryOne("SELECT " + column + " FROM shop_order WHERE order_id = ?",
                r -> Optional.ofNullable(Tx.instant(r, column)), offer.orderId())).orElseThrow().orElse(null);
    }

    private ReleaseRequest releaseOf(OrderStatus order) {
        return new ReleaseRequest(order.orderId(), HOLDER, order.authorisationId());
    }

    private String offerState(Offer offer) {
        return db.inTransaction(tx -> tx.queryOne("SELECT state FROM shop_offer WHERE order_id = ?", r -> r.getString(1),
                offer.orderId())).orElseThrow();
    }

    /** Every value of every column of every shop table, as text. */
    private String dumpShopTables(Set<String> tablesSeen) {
        return db.inTransaction(tx -> {
            try {
                List<String> tables = new ArrayList<>();
                String schema = tx.connection().getSchema();
                try (ResultSet t = tx.connection().getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
                    while (t.next()) {
                        String name = t.getString("TABLE_NAME");
                        if (name.toLowerCase(Locale.ROOT).startsWith("shop_")) {
                            tables.add(name);
                        }
                    }
                }
                StringBuilder all = new StringBuilder();
                for (String table : tables) {
                    tablesSeen.add(table.toLowerCase(Locale.ROOT));
                    try (Statement statement = tx.connection().createStatement();
                         ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                        int columns = rows.getMetaData().getColumnCount();
                        while (rows.next()) {
                            for (int c = 1; c <= columns; c++) {
                                all.append(rows.getString(c)).append('|');
                            }
                            all.append('\n');
                        }
                    }
                }
                return all.toString();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // --- offers -------------------------------------------------------------------------------

    @Test
    void anOfferPricesTheBasketFromTheCatalogueAndLastsFifteenMinutes() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        assertEquals(Money.parse("52.90 EUR"), offer.amount(), "2 x 6.50 + 39.90");
        assertEquals("2 x tea-green-100g; 1 x kettle", offer.itemsText());
        assertEquals(List.of("tea-green-100g", "kettle"), offer.items().stream().map(i -> i.sku()).toList());
        assertEquals(Money.parse("6.50 EUR"), offer.items().getFirst().unitPrice());
        assertEquals(clock.instant().plus(Duration.ofMinutes(15)), offer.expiresAt());
        assertEquals(SELLER, offer.sellerId());
        assertEquals(ISSUER, offer.issuerId());
        assertEquals(COURIER, offer.courierId());
        for (Role role : Role.values()) {
            assertEquals(List.copyOf(SplitOrder.Form.standard().fieldsOf(role)), offer.form().get(role));
        }
        assertTrue(offer.orderId().matches("ORD-[A-Z2-7]{16}"), offer.orderId());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(shop.offer(new Basket(List.of(new Basket.Line("mug", 1)))).orderId());
        }
        assertEquals(20, ids.size(), "every offer gets a fresh order id");
        assertEquals(21, count("shop_offer"));
        assertEquals("OPEN", offerState(offer));
        assertEquals(Money.parse("1188.00 EUR"),
                shop.offer(new Basket(List.of(new Basket.Line("mug", 99)))).amount(), "99 x 12.00");
    }

    @Test
    void anOfferRefusesBasketsThatAreEmptyUnknownOutOfRangeOrRepeated() {
        open(Mode.DIRECTORY);
        for (List<Basket.Line> lines : List.of(
                List.<Basket.Line>of(),
                List.of(new Basket.Line("teapot", 1)),
                List.of(new Basket.Line("mug", 0)),
                List.of(new Basket.Line("mug", 100)),
                List.of(new Basket.Line("mug", -1)),
                List.of(new Basket.Line("mug", 1), new Basket.Line("kettle", 1), new Basket.Line("mug", 2)),
                List.of(new Basket.Line(null, 1)))) {
            assertRefused(OrderException.MALFORMED, () -> shop.offer(new Basket(lines)));
        }
        assertEquals(0, count("shop_offer"), "a refused basket leaves no offer");
    }

    @Test
    void anOfferRefusesABasketWhoseItemsTextTheCourierWouldNotCarry() {
        open(Mode.DIRECTORY);
        List<CatalogueItem> catalogue = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            catalogue.add(new CatalogueItem(String.format("sku-%02d-", i) + "x".repeat(53), "Article " + i, Money.parse("1.00 EUR")));
        }
        Shop wide = new Shop(new ShopSettings(SELLER, ISSUER, COURIER, Duration.ofMinutes(15), catalogue), db, parties.seller(),
                partners, clock);
        // 30 lines of "q x <60 characters>" joined by "; ": 1978 characters with every quantity 1,
        // one more for each line with a two-digit quantity.
        Supplier<List<Basket.Line>> lines = () -> catalogue.stream().map(c -> new Basket.Line(c.sku(), 1)).toList();
        List<Basket.Line> atLimit = new ArrayList<>(lines.get());
        for (int i = 0; i < 22; i++) {
            atLimit.set(i, new Basket.Line(atLimit.get(i).sku(), 10));
        }
        Offer longest = wide.offer(new Basket(atLimit));
        assertEquals(2000, longest.itemsText().length());

        List<Basket.Line> overLimit = new ArrayList<>(atLimit);
        overLimit.set(22, new Basket.Line(overLimit.get(22).sku(), 10));
        assertRefused(OrderException.MALFORMED, () -> wide.offer(new Basket(overLimit)));
        assertEquals(1, count("shop_offer"), "the refused basket leaves no offer");

        // The longest basket goes all the way to the courier.
        assertEquals(OrderState.DISPATCHED, wide.place(HOLDER, placement(alice.seal(longest, DETAILS))).state());
        assertEquals(longest.itemsText(), partners.parcels.get("TRK-" + longest.orderId()));
    }

    @Test
    void theShopRefusesKeysOfAnotherPartyAndInconsistentSettings() {
        open(Mode.DIRECTORY);
        assertThrows(IllegalArgumentException.class, () -> new Shop(ShopSettings.defaults(SELLER, ISSUER, COURIER, "EUR"), db,
                parties.issuer(), partners, clock));
        assertEquals(ShopSettings.INVALID_SETTINGS, assertThrows(EscudoException.class,
                () -> ShopSettings.defaults(SELLER, ISSUER, ISSUER, "EUR")).code());
        assertEquals(ShopSettings.INVALID_SETTINGS, assertThrows(EscudoException.class, () -> new ShopSettings(SELLER, ISSUER, COURIER,
                Duration.ofMinutes(5), List.of(new CatalogueItem("a", "A", Money.parse("1.00 EUR")),
                        new CatalogueItem("b", "B", Money.parse("1.00 USD"))))).code());
        assertEquals(CatalogueItem.INVALID_CATALOGUE, assertThrows(EscudoException.class,
                () -> new CatalogueItem("two words", "x", Money.parse("1.00 EUR"))).code());
    }

    // --- the happy path -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anOrderIsAuthorisedDispatchedAndDeliveredWhileEachPartyReadsOnlyItsOwnPart(Mode mode) {
        open(mode);
        Offer offer = teaAndKettle();
        Sealed bundle = alice.seal(offer, DETAILS);

        OrderStatus placed = shop.place(HOLDER, placement(bundle));
        assertEquals(OrderState.DISPATCHED, placed.state());
        assertEquals(offer.orderId(), placed.orderId());
        assertEquals(SELLER, placed.sellerId());
        assertEquals(HOLDER, placed.holderId());
        assertEquals(offer.amount(), placed.amount());
        assertEquals("AUTH-" + offer.orderId(), placed.authorisationId());
        assertEquals("TRK-" + offer.orderId(), placed.trackingId());
        assertNull(placed.reason());
        // The placement asks the issuer and the courier, once each, and captures nothing: the
        // courier accepted the order but does not have the parcel yet, so the amount stays held.
        assertEquals(1, partners.authorisations.get());
        assertEquals(1, partners.deliveries.get());
        assertEquals(List.of(), partners.captures);
        assertEquals(0, partners.deliveryQueries.get());
        assertNull(capturedAt(offer));
        assertNull(pickedUpAt(offer));

        // The issuer got the card and the amount the seller checked; the courier got the destination and the parcel.
        assertEquals(CARD, partners.issuerParts.getFirst().part().cardNumber().orElseThrow());
        assertEquals(List.of(offer.amount()), partners.requestedAmounts);
        assertEquals(DESTINATION, partners.courierParts.getFirst().part().destination().orElseThrow());
        assertEquals(offer.itemsText(), partners.parcels.get(placed.trackingId()));
        assertEquals("USED", offerState(offer));

        // Accepted, not picked up: asking again captures nothing.
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(2, partners.deliveryQueries.get());
        assertEquals(List.of(), partners.captures);

        // The status query that learns of the pickup captures the held amount.
        clock.advance(Duration.ofHours(2));
        partners.courierMoves(DeliveryState.PICKED_UP);
        Instant pickup = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        OrderStatus pickedUp = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DISPATCHED, pickedUp.state());
        assertEquals(clock.instant(), pickedUp.updatedAt(), "the pickup is news to the holder too");
        assertEquals(List.of(new CaptureRequest(offer.orderId(), HOLDER, placed.authorisationId())), partners.captures);
        assertEquals(pickup, pickedUpAt(offer), "the courier's time of the pickup");
        assertEquals(clock.instant(), capturedAt(offer));

        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        partners.courierMoves(DeliveryState.DELIVERED);
        clock.advance(Duration.ofHours(20));
        OrderStatus delivered = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DELIVERED, delivered.state());
        assertEquals(clock.instant(), delivered.updatedAt());
        assertEquals(placed.trackingId(), delivered.trackingId());
        assertEquals(5, partners.deliveryQueries.get());

        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(5, partners.deliveryQueries.get(), "a delivered and paid order asks nobody");
        assertEquals(1, partners.authorisations.get());
        assertEquals(1, partners.captures.size(), "a captured order is captured once, whatever the queries after it");
        assertEquals(List.of(), partners.releases);
        assertEquals(pickup, pickedUpAt(offer));
        assertEquals(List.of(delivered), shop.orders());
    }

    @Test
    void aDeliveryReportedDeliveredWithoutAPickupIsCapturedOnce() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        // The seller never saw PICKED_UP, and this courier does not say when it took the parcel.
        partners.deliveryState = DeliveryState.DELIVERED;
        clock.advance(Duration.ofDays(1));
        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertEquals(clock.instant(), capturedAt(offer));
        assertEquals(clock.instant(), pickedUpAt(offer), "delivered means picked up: when the seller learnt it");
        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertEquals(1, partners.deliveryQueries.get());
    }

    @Test
    void aDeliveryThatFailsBeforePickupIsNeverCapturedAndItsHoldIsReleased() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        partners.courierMoves(DeliveryState.FAILED);
        clock.advance(Duration.ofHours(3));
        OrderStatus failed = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DELIVERY_FAILED, failed.state());
        assertEquals(List.of(), partners.captures, "the goods never left the shop: nothing to pay");
        assertEquals(List.of(releaseOf(placed)), partners.releases);
        assertEquals(clock.instant(), releasedAt(offer));
        assertNull(pickedUpAt(offer));
        assertNull(capturedAt(offer));

        partners.courierMoves(DeliveryState.DELIVERED);
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state(), "a final state stays final");
        assertEquals(1, partners.deliveryQueries.get());
        assertEquals(1, partners.releases.size(), "a released order asks nobody");
        assertEquals(List.of(), partners.captures);
    }

    @Test
    void aReleaseThatGetsNoAnswerIsAskedAgainUntilTheIssuerAnswersIt() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        partners.courierMoves(DeliveryState.FAILED);
        partners.releaseDown = true;
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertNull(releasedAt(offer));
        partners.releaseDown = false;
        partners.releaseOtherAmount = true;
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertNull(releasedAt(offer), "an answer for another amount is no answer");
        partners.releaseOtherAmount = false;
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(clock.instant(), releasedAt(offer));
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(List.of(releaseOf(placed), releaseOf(placed), releaseOf(placed)), partners.releases);
        assertEquals(1, partners.deliveryQueries.get(), "the failure was learnt once");
        assertEquals(List.of(), partners.captures);
    }

    @Test
    void aDeliveryThatFailsAfterThePickupStaysCaptured() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        partners.courierMoves(DeliveryState.PICKED_UP);
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());

        partners.courierMoves(DeliveryState.FAILED);
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size(), "the goods left the shop: paid once, never released");
        assertEquals(List.of(), partners.releases);
        assertNotNull(capturedAt(offer));
        assertNull(releasedAt(offer));
    }

    @Test
    void aFailureAfterAPickupTheSellerNeverSawIsCapturedNotReleased() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        // Between two status queries the courier picked the parcel up and then failed to deliver it.
        partners.courierMoves(DeliveryState.PICKED_UP);
        Instant pickup = clock.instant();
        clock.advance(Duration.ofDays(2));
        partners.courierMoves(DeliveryState.FAILED);
        clock.advance(Duration.ofHours(1));
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertEquals(List.of(), partners.releases);
        assertEquals(pickup, pickedUpAt(offer));
        assertEquals(clock.instant(), capturedAt(offer));
        assertEquals(OrderState.DELIVERY_FAILED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertEquals(1, partners.deliveryQueries.get());
    }

    // --- the issuer declines or cannot be reached ---------------------------------------------

    @Test
    void aDeclineReachesTheHolderWithTheIssuersCodeAndNothingIsDelivered() {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.DECLINE;
        partners.declineReason = OrderException.INSUFFICIENT_FUNDS.value();
        Offer offer = teaAndKettle();

        EscudoException declined = assertThrows(EscudoException.class,
                () -> shop.place(HOLDER, placement(alice.seal(offer, DETAILS))));
        assertEquals(OrderException.INSUFFICIENT_FUNDS, declined.code());
        assertEquals(EscudoException.Kind.REFUSED, declined.kind());

        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DECLINED, status.state());
        assertEquals(OrderException.INSUFFICIENT_FUNDS.value(), status.reason());
        assertNull(status.authorisationId());
        assertNull(status.trackingId());
        assertEquals(1, partners.authorisations.get(), "a declined order is not asked again");
        assertEquals(0, partners.deliveries.get());
        assertEquals("USED", offerState(offer), "the same offer cannot be tried with another card");
    }

    @Test
    void aCardDeclineKeepsTheIssuersCode() {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.DECLINE;
        partners.declineReason = OrderException.CARD_DECLINED.value();
        Offer offer = teaAndKettle();
        assertRefused(OrderException.CARD_DECLINED, () -> shop.place(HOLDER, placement(alice.seal(offer, DETAILS))));
        assertEquals(OrderException.CARD_DECLINED.value(), shop.orders().getFirst().reason());
    }

    @ParameterizedTest
    @CsvSource({
            "order.part-tampered, order.part-tampered",
            "order.replayed, order.replayed",
            "issuer.unknown-merchant, issuer.unknown-merchant",
            "'Declined: see your bank', order.card-declined",
            "order.x-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, order.card-declined",
            "ORDER.CARD-DECLINED, order.card-declined",
            ", order.card-declined"})
    void aSealedDeclineIsFinalAndKeepsItsReasonWhenItIsAShortCode(String reason, String stored) {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.DECLINE;
        partners.declineReason = reason;
        Offer offer = teaAndKettle();

        EscudoException declined = assertThrows(EscudoException.class,
                () -> shop.place(HOLDER, placement(alice.seal(offer, DETAILS))));
        assertEquals(stored, declined.code().value());
        assertEquals(EscudoException.Kind.REFUSED, declined.kind());
        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DECLINED, status.state());
        assertEquals(stored, status.reason());
        partners.issuer = TestPartners.IssuerMode.APPROVE;
        assertEquals(OrderState.DECLINED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.authorisations.get(), "a declined order is not asked again");
        assertEquals(0, partners.deliveries.get());
    }

    /**
     * Problem documents are not authenticated: a forged 422 order.card-declined after the issuer
     * captured the money, or a channel hiccup, must not decline the order for good.
     */
    @ParameterizedTest
    @CsvSource({
            "REFUSED, order.card-declined",
            "REFUSED, order.insufficient-funds",
            "CONFLICT, order.replayed",
            "UNAUTHENTICATED, order.challenge-unknown",
            "UNAUTHENTICATED, order.party-unauthenticated",
            "CONFLICT, order.busy",
            "INTERNAL, party.unreachable"})
    void anExceptionFromTheIssuerIsNoAnswerAndTheNextStatusQueryCompletesTheOrder(EscudoException.Kind kind, String code) {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.THROW;
        partners.thrown = new EscudoException(kind, ErrorCode.decode(code, kind), "from the wire");
        Offer offer = teaAndKettle();

        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertEquals(OrderState.AWAITING_AUTHORISATION, placed.state());
        assertNull(placed.reason());
        assertNull(placed.authorisationId());
        assertEquals(1, partners.issuerParts.size(), "the issuer did get and open the bundle");
        assertEquals(OrderState.AWAITING_AUTHORISATION, shop.status(HOLDER, query(offer)).state());
        assertEquals(2, partners.authorisations.get());
        assertEquals(0, partners.deliveries.get());

        partners.issuer = TestPartners.IssuerMode.APPROVE;
        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DISPATCHED, status.state());
        assertEquals("AUTH-" + offer.orderId(), status.authorisationId());
        assertNull(status.reason());
        assertEquals(3, partners.authorisations.get());
        assertEquals(1, partners.deliveries.get());
    }

    @Test
    void whenTheIssuerIsUnreachableTheOrderWaitsAndTheNextStatusQueryCompletesIt() {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.UNREACHABLE;
        Offer offer = teaAndKettle();
        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertEquals(OrderState.AWAITING_AUTHORISATION, placed.state());
        assertNull(placed.authorisationId());
        assertEquals(0, partners.deliveries.get());

        assertEquals(OrderState.AWAITING_AUTHORISATION, shop.status(HOLDER, query(offer)).state());
        assertEquals(2, partners.authorisations.get());

        partners.issuer = TestPartners.IssuerMode.APPROVE;
        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DISPATCHED, status.state());
        assertEquals("AUTH-" + offer.orderId(), status.authorisationId());
        assertEquals(3, partners.authorisations.get());
        assertEquals(1, partners.deliveries.get());
    }

    @ParameterizedTest
    @EnumSource(value = TestPartners.IssuerMode.class, names = {"APPROVE", "DECLINE"})
    void anIssuerAnswerForAnotherDigestIsTreatedAsNoAnswer(TestPartners.IssuerMode answer) {
        open(Mode.DIRECTORY);
        partners.issuer = answer;
        partners.otherDigest = true;
        Offer offer = teaAndKettle();
        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertEquals(OrderState.AWAITING_AUTHORISATION, placed.state());
        assertNull(placed.reason());
        assertEquals(0, partners.deliveries.get());
        partners.issuer = TestPartners.IssuerMode.APPROVE;
        partners.otherDigest = false;
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
    }

    @Test
    void whenTheCourierIsUnreachableThePaidOrderWaitsAndTheNextStatusQueryDispatchesIt() {
        open(Mode.DIRECTORY);
        partners.courierDown = true;
        Offer offer = teaAndKettle();
        OrderStatus placed = shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertEquals(OrderState.AUTHORISED, placed.state());
        assertEquals("AUTH-" + offer.orderId(), placed.authorisationId());
        assertNull(placed.trackingId());

        partners.courierDown = false;
        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DISPATCHED, status.state());
        assertEquals("TRK-" + offer.orderId(), status.trackingId());
        assertEquals(1, partners.authorisations.get(), "the paid order is not authorised twice");
        assertEquals(2, partners.deliveries.get());
        assertEquals(0, partners.deliveryQueries.get());

        partners.courierDown = true;
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state(), "a failed query leaves the state");
    }

    @Test
    void nothingIsCapturedBeforeTheCourierHasTheParcel() {
        open(Mode.DIRECTORY);
        partners.courierDown = true;
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        shop.status(HOLDER, query(offer));
        assertEquals(List.of(), partners.captures);
        assertNull(capturedAt(offer));

        partners.courierDown = false;
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(List.of(), partners.captures, "accepted is not picked up");
        assertNull(capturedAt(offer));

        partners.courierMoves(DeliveryState.PICKED_UP);
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertEquals(clock.instant(), capturedAt(offer));
    }

    @Test
    void aDispatchWhoseReceiptAlreadyReportsThePickupCapturesAtOnce() {
        open(Mode.DIRECTORY);
        partners.courierDown = true;
        Offer offer = teaAndKettle();
        assertEquals(OrderState.AUTHORISED, shop.place(HOLDER, placement(alice.seal(offer, DETAILS))).state());
        // The courier took the order from an earlier request whose answer was lost, and has the parcel since.
        partners.courierDown = false;
        partners.courierMoves(DeliveryState.PICKED_UP);
        Instant pickup = clock.instant();
        clock.advance(Duration.ofMinutes(30));
        OrderStatus status = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.DISPATCHED, status.state());
        assertEquals("TRK-" + offer.orderId(), status.trackingId());
        assertEquals(1, partners.captures.size());
        assertEquals(pickup, pickedUpAt(offer));
        assertEquals(clock.instant(), capturedAt(offer));
        assertEquals(0, partners.deliveryQueries.get());
    }

    @Test
    void aCaptureThatGetsNoAnswerIsAskedAgainEvenAfterTheDelivery() {
        open(Mode.DIRECTORY);
        partners.captureDown = true;
        Offer offer = teaAndKettle();
        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(alice.seal(offer, DETAILS))).state());
        assertEquals(0, partners.captures.size());

        partners.courierMoves(DeliveryState.PICKED_UP);
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
        assertEquals(1, partners.captures.size());
        assertNull(capturedAt(offer));

        partners.courierMoves(DeliveryState.DELIVERED);
        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(2, partners.captures.size());
        assertNull(capturedAt(offer));

        partners.captureDown = false;
        clock.advance(Duration.ofMinutes(1));
        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(3, partners.captures.size());
        assertEquals(clock.instant(), capturedAt(offer));
        assertEquals(OrderState.DELIVERED, shop.status(HOLDER, query(offer)).state());
        assertEquals(3, partners.captures.size(), "a delivered and paid order asks nobody");
        assertEquals(1, partners.deliveries.get());
        assertEquals(2, partners.deliveryQueries.get(), "a delivered order is not tracked again while its capture waits");
    }

    @Test
    void aCaptureAnswerForAnotherAmountIsNoAnswer() {
        open(Mode.DIRECTORY);
        partners.captureOtherAmount = true;
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        partners.courierMoves(DeliveryState.PICKED_UP);
        shop.status(HOLDER, query(offer));
        assertNull(capturedAt(offer));
        partners.captureOtherAmount = false;
        shop.status(HOLDER, query(offer));
        assertEquals(2, partners.captures.size());
        assertEquals(clock.instant(), capturedAt(offer));
    }

    @Test
    void concurrentStatusQueriesDoNotAskTheIssuerTwice() throws Exception {
        open(Mode.DIRECTORY);
        partners.issuer = TestPartners.IssuerMode.UNREACHABLE;
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertEquals(1, partners.authorisations.get());

        partners.issuer = TestPartners.IssuerMode.APPROVE;
        CountDownLatch gate = new CountDownLatch(1);
        partners.issuerGate = gate;
        CompletableFuture<OrderStatus> first = CompletableFuture.supplyAsync(() -> shop.status(HOLDER, query(offer)));
        assertTrue(partners.issuerEntered.await(10, TimeUnit.SECONDS));
        OrderStatus meanwhile = shop.status(HOLDER, query(offer));
        assertEquals(OrderState.AWAITING_AUTHORISATION, meanwhile.state());
        assertEquals(2, partners.authorisations.get(), "the second query leaves the issuer to the first");
        // A slow issuer then courier call (channel timeouts: 5 s connect + 30 s request each) keeps the lease.
        clock.advance(Duration.ofSeconds(2 * 2 * 35));
        assertEquals(OrderState.AWAITING_AUTHORISATION, shop.status(HOLDER, query(offer)).state());
        assertEquals(2, partners.authorisations.get(), "the lease outlasts an issuer and a courier call at their timeouts");
        gate.countDown();
        assertEquals(OrderState.DISPATCHED, first.get(10, TimeUnit.SECONDS).state());
        assertEquals(2, partners.authorisations.get());
        assertEquals(1, partners.deliveries.get());
    }

    // --- refusals at the counter --------------------------------------------------------------

    @Test
    void aReplayedBundleIsRefusedWithoutAskingTheIssuerAgain() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Sealed bundle = alice.seal(offer, DETAILS);
        shop.place(HOLDER, placement(bundle));
        assertRefused(OrderException.REPLAYED, () -> shop.place(HOLDER, placement(bundle)));
        assertRefused(OrderException.REPLAYED, () -> shop.place(HOLDER, placement(alice.seal(offer, DETAILS))));
        assertEquals(1, partners.authorisations.get());
        assertEquals(1, partners.deliveries.get());
        assertEquals(1, count("shop_order"));
    }

    @Test
    void anOrderForAnOfferTheShopNeverMadeIsRefused() {
        open(Mode.DIRECTORY);
        Offer real = teaAndKettle();
        Offer invented = new Offer("ORD-AAAAAAAAAAAAAAAA", SELLER, ISSUER, COURIER, real.items(), real.amount(), real.form(),
                real.expiresAt());
        assertRefused(OrderException.OFFER_UNKNOWN, () -> shop.place(HOLDER, placement(alice.seal(invented, DETAILS))));
        assertEquals(0, count("shop_order"));
        assertEquals(0, partners.authorisations.get());
    }

    @Test
    void anExpiredOfferIsRefusedAndNothingIsStored() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Sealed bundle = alice.seal(offer, DETAILS);
        clock.advance(Duration.ofMinutes(15));
        assertRefused(OrderException.OFFER_UNKNOWN, () -> shop.place(HOLDER, placement(bundle)));
        clock.advance(Duration.ofSeconds(1));
        assertRefused(OrderException.OFFER_UNKNOWN, () -> shop.place(HOLDER, placement(bundle)));
        assertEquals(0, count("shop_order"));
        assertEquals(0, partners.authorisations.get());

        shop.offer(new Basket(List.of(new Basket.Line("mug", 1))));
        assertEquals(1, count("shop_offer"), "new offers clear out expired ones");
    }

    @Test
    void anOfferPlacedJustBeforeItExpiresIsAccepted() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(alice.seal(offer, DETAILS))).state());
    }

    @Test
    void otherItemsOrAnotherAmountAreRefusedAndLeaveTheOfferOpen() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        assertRefused(OrderException.ITEMS_MISMATCH, () -> shop.place(HOLDER,
                placement(sealedWith(offer, "1 x mug", offer.amount()))));
        EscudoException amount = assertThrows(EscudoException.class, () -> shop.place(HOLDER,
                placement(sealedWith(offer, offer.itemsText(), Money.parse("1.00 EUR")))));
        assertEquals(OrderException.AMOUNT_MISMATCH, amount.code());
        assertFalse(amount.getMessage().matches("(?s).*(\\d|EUR).*"), "no figures in a clear-text refusal: " + amount.getMessage());
        assertRefused(OrderException.AMOUNT_MISMATCH, () -> shop.place(HOLDER,
                placement(sealedWith(offer, offer.itemsText(), Money.parse("52.90 USD")))));
        assertEquals(0, count("shop_order"));
        assertEquals("OPEN", offerState(offer));
        assertEquals(0, partners.authorisations.get());

        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(alice.seal(offer, DETAILS))).state());
    }

    @Test
    void aSellerPartWithAnotherPaymentTypeOrAnExtraFieldIsRefused() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Map<String, String> seller = new TreeMap<>(Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, offer.itemsText(),
                SplitOrder.AMOUNT, offer.amount().toString(), SplitOrder.PAYMENT_TYPE, "instalments"));
        assertRefused(OrderException.MALFORMED, () -> shop.place(HOLDER, placement(sealWithSellerPart(offer, SplitOrder.Form.standard(), seller))));

        Map<Role, java.util.SortedSet<String>> fields = new EnumMap<>(SplitOrder.Form.standard().fields());
        java.util.SortedSet<String> sellerFields = new java.util.TreeSet<>(fields.get(Role.SELLER));
        sellerFields.add("note");
        fields.put(Role.SELLER, sellerFields);
        Map<String, String> noted = new TreeMap<>(seller);
        noted.put(SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT);
        noted.put("note", "leave at the door");
        assertRefused(OrderException.FIELD_NOT_ALLOWED,
                () -> shop.place(HOLDER, placement(sealWithSellerPart(offer, new SplitOrder.Form(fields), noted))));

        Map<String, String> noContact = new TreeMap<>(noted);
        noContact.remove("note");
        noContact.remove(SplitOrder.CONTACT);
        assertRefused(OrderException.MALFORMED, () -> shop.place(HOLDER, placement(sealWithSellerPart(offer, SplitOrder.Form.standard(), noContact))));
        assertEquals(0, count("shop_order"));
        assertEquals("OPEN", offerState(offer));
    }

    private Sealed sealWithSellerPart(Offer offer, SplitOrder.Form form, Map<String, String> sellerFields) {
        String amount = offer.amount().toString();
        return SplitOrder.seal(form, offer.orderId(), parties.holder(), List.of(
                Part.of(Role.SELLER, SELLER, sellerFields),
                Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.EXPIRY, "12/30",
                        SplitOrder.CONTACT, CONTACT, SplitOrder.AMOUNT, amount, SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT)),
                Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DESTINATION))));
    }

    @Test
    void aBundleSentByAnotherHolderIsRefusedAndLeavesTheOfferOpen() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Sealed bundle = alice.seal(offer, DETAILS);
        EscudoException e = assertThrows(EscudoException.class, () -> shop.place(MALLORY, placement(bundle)));
        assertEquals(OrderException.BINDING_MISMATCH, e.code());
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
        assertEquals("OPEN", offerState(offer));
        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(bundle)).state());
        // Once Alice's order is in, the offer is used: Mallory cannot place it as her own either.
        assertRefused(OrderException.REPLAYED, () -> shop.place(MALLORY, placement(mallory.seal(offer, DETAILS))));
    }

    @Test
    void aTamperedOrReaddressedPartIsRefused() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Sealed bundle = alice.seal(offer, DETAILS);

        // A flipped bit in the seller's ciphertext.
        assertRefused(OrderException.PART_TAMPERED, () -> shop.place(HOLDER, placement(replacePart(bundle, Role.SELLER, p -> {
            byte[] c = p.ciphertext().toByteArray();
            c[c.length - 1] ^= 1;
            return new SealedPart(p.role(), p.recipient(), p.commitment(), Bytes.of(c));
        }))));
        // The issuer's part re-addressed to another issuer: the digest no longer matches.
        assertRefused(OrderException.BINDING_MISMATCH, () -> shop.place(HOLDER, placement(replacePart(bundle, Role.ISSUER,
                p -> new SealedPart(p.role(), OTHER_ISSUER, p.commitment(), p.ciphertext())))));
        // The seller's part re-addressed away from this shop: no part for the shop.
        assertRefused(OrderException.WRONG_RECIPIENT, () -> shop.place(HOLDER, placement(replacePart(bundle, Role.SELLER,
                p -> new SealedPart(p.role(), MALLORY, p.commitment(), p.ciphertext())))));
        // The seller's part relabelled in the clear: not a seller part, so the shop does not open it.
        assertRefused(OrderException.WRONG_RECIPIENT, () -> shop.place(HOLDER, placement(replacePart(bundle, Role.SELLER,
                p -> new SealedPart(Role.COURIER, p.recipient(), p.commitment(), p.ciphertext())))));
        // Another part relabelled in the clear: the digest no longer matches.
        assertRefused(OrderException.BINDING_MISMATCH, () -> shop.place(HOLDER, placement(replacePart(bundle, Role.ISSUER,
                p -> new SealedPart(Role.SELLER, p.recipient(), p.commitment(), p.ciphertext())))));
        assertRefused(OrderException.MALFORMED, () -> shop.place(HOLDER, new Placement(Bytes.of(new byte[] {1, 2, 3}))));

        assertEquals(0, count("shop_order"));
        assertEquals("OPEN", offerState(offer));
        assertEquals(0, partners.authorisations.get());
        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(bundle)).state());
    }

    private static Sealed replacePart(Sealed bundle, Role role, java.util.function.UnaryOperator<SealedPart> change) {
        List<SealedPart> parts = bundle.parts().stream().map(p -> p.role() == role ? change.apply(p) : p).toList();
        return new Sealed(bundle.orderId(), bundle.holderId(), parts, bundle.digest());
    }

    @Test
    void aBundleThatAddressesTheCouriersPartToTheShopIsWrongRecipient() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        // Honestly sealed (digest and commitments hold), but the shop is given the courier's part.
        Sealed swapped = SplitOrder.seal(SplitOrder.Form.standard(), offer.orderId(), parties.holder(), List.of(
                Part.of(Role.COURIER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DESTINATION)),
                Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.EXPIRY, "12/30",
                        SplitOrder.CONTACT, CONTACT, SplitOrder.AMOUNT, offer.amount().toString(),
                        SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT)),
                Part.of(Role.SELLER, COURIER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, offer.itemsText(),
                        SplitOrder.AMOUNT, offer.amount().toString(), SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT))));
        EscudoException e = assertThrows(EscudoException.class, () -> shop.place(HOLDER, placement(swapped)));
        assertEquals(OrderException.WRONG_RECIPIENT, e.code());
        assertEquals(EscudoException.Kind.REFUSED, e.kind());
        assertFalse(e.getMessage().contains("Flores"));
        assertEquals(0, count("shop_order"));
        assertEquals("OPEN", offerState(offer));
        assertEquals(0, partners.authorisations.get());
        assertEquals(OrderState.DISPATCHED, shop.place(HOLDER, placement(alice.seal(offer, DETAILS))).state());
    }

    @Test
    void anOrderWhoseIssuerPartGoesToAnotherIssuerThanTheOffersIsRefused() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        Sealed elsewhere = new Shopper(parties.holder(), OTHER_ISSUER).seal(withIssuer(offer, OTHER_ISSUER), DETAILS);
        assertEquals(OTHER_ISSUER, elsewhere.parts().stream().filter(p -> p.role() == Role.ISSUER).findFirst().orElseThrow().recipient());
        assertRefused(OrderException.BINDING_MISMATCH, () -> shop.place(HOLDER, placement(elsewhere)));
        assertEquals(0, partners.authorisations.get());
        assertEquals(0, count("shop_order"));
        assertEquals("OPEN", offerState(offer));
    }

    @Test
    void aHolderSeesOnlyItsOwnOrders() {
        open(Mode.DIRECTORY);
        Offer offer = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(offer, DETAILS)));
        assertRefused(OrderException.NOT_FOUND, () -> shop.status(MALLORY, query(offer)));
        assertRefused(OrderException.NOT_FOUND, () -> shop.status(HOLDER, new StatusQuery("ORD-AAAAAAAAAAAAAAAA")));
        assertRefused(OrderException.NOT_FOUND, () -> shop.status(HOLDER, new StatusQuery(null)));
        assertEquals(0, partners.deliveryQueries.get(), "asking for another's order asks the courier nothing");
        assertEquals(OrderState.DISPATCHED, shop.status(HOLDER, query(offer)).state());
    }

    // --- privacy ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theShopStoresNeitherTheCardNumberNorTheDestination(Mode mode) {
        open(mode);
        Offer paid = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(paid, DETAILS)));
        partners.issuer = TestPartners.IssuerMode.DECLINE;
        Offer declined = shop.offer(new Basket(List.of(new Basket.Line("mug", 2))));
        assertRefused(OrderException.CARD_DECLINED, () -> shop.place(HOLDER, placement(alice.seal(declined, DETAILS))));
        partners.issuer = TestPartners.IssuerMode.UNREACHABLE;
        Offer waiting = shop.offer(new Basket(List.of(new Basket.Line("kettle", 1))));
        shop.place(HOLDER, placement(alice.seal(waiting, DETAILS)));
        Offer mismatched = shop.offer(new Basket(List.of(new Basket.Line("kettle", 2))));
        assertRefused(OrderException.ITEMS_MISMATCH, () -> shop.place(HOLDER,
                placement(sealedWith(mismatched, "1 x mug", mismatched.amount()))));

        Set<String> tables = new HashSet<>();
        String everything = dumpShopTables(tables);
        assertEquals(Set.of("shop_offer", "shop_order"), tables);
        assertTrue(everything.contains(CONTACT), "the dump does see what the shop stores");
        assertTrue(everything.contains(paid.orderId()));
        assertFalse(everything.contains(CARD), "no card number in the shop's tables");
        assertFalse(everything.contains(DESTINATION), "no destination in the shop's tables");
        assertFalse(everything.contains("Flores"));
        assertEquals(3, count("shop_order"));
    }

    @Test
    void theDeskSeesEveryOrderOldestFirst() {
        open(Mode.DIRECTORY);
        Offer first = teaAndKettle();
        shop.place(HOLDER, placement(alice.seal(first, DETAILS)));
        clock.advance(Duration.ofMinutes(1));
        Offer second = shop.offer(new Basket(List.of(new Basket.Line("mug", 1))));
        shop.place(MALLORY, placement(mallory.seal(second, DETAILS)));
        List<OrderStatus> orders = shop.orders();
        assertEquals(List.of(first.orderId(), second.orderId()), orders.stream().map(OrderStatus::orderId).toList());
        assertEquals(List.of(HOLDER, MALLORY), orders.stream().map(OrderStatus::holderId).toList());
        assertNotEquals(orders.get(0).trackingId(), orders.get(1).trackingId());
        assertNotNull(orders.get(1).authorisationId());
    }
}
