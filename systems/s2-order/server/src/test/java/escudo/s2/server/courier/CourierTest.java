package escudo.s2.server.courier;

import static escudo.testing.Refusals.assertRefused;
import escudo.core.Bytes;
import escudo.s2.api.Delivery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.DeliveryQuery;
import escudo.s2.protocol.OrderMessage.DeliveryReceipt;
import escudo.s2.protocol.OrderMessage.DeliveryRequest;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Item;
import escudo.s2.protocol.OrderMessage.Offer;
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
import java.security.SecureRandom;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seed 002, Fig. 1: the seller hands the holder's order to the courier, which opens only its own part. */
class CourierTest {

    static final String HOLDER = "holder:alice";
    static final String SELLER = "seller.example";
    static final String OTHER_SELLER = "seller.other";
    static final String ISSUER = "issuer.example";
    static final String COURIER = "courier.example";
    static final String OTHER_COURIER = "courier.other";
    static final String CARD = "4111111111111111";
    static final String EXPIRY = "12/30";
    static final String CONTACT = "Alice Lima, +351 21 000 0000";
    static final String DEST = "Rua das Flores 12, 1200-195 Lisboa";
    static final String PARCEL = "2 x book-978-0 (one box, 1.2 kg)";
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

    enum Mode { DIRECTORY, BLOM }

    /** The parties' keys in one mode, the courier on its own database. */
    final class World {
        final Map<String, PairwiseKeys> keys = new java.util.HashMap<>();
        final KeyDirectory directory;
        final TestClock clock = new TestClock(T0);
        final Courier courier;

        World(Mode mode) {
            List<String> parties = List.of(HOLDER, SELLER, OTHER_SELLER, ISSUER, COURIER, OTHER_COURIER);
            if (mode == Mode.DIRECTORY) {
                directory = new KeyDirectory();
                parties.forEach(id -> keys.put(id, enrol(id, directory)));
            } else {
                directory = null;
                BlomAuthority authority = BlomAuthority.generate(6, new SecureRandom());
                parties.forEach(id -> keys.put(id, authority.issue(id)));
            }
            db = TestDatabase.create();
            courier = new Courier(db, keys.get(COURIER), clock);
        }

        PairwiseKeys holder() {
            return keys.get(HOLDER);
        }

        /** What the holder sends the seller, who forwards it whole. */
        byte[] bundle(String orderId) {
            return new Shopper(holder(), ISSUER).seal(offer(orderId, COURIER), details()).encode();
        }

        DeliveryRequest request(String orderId) {
            return new DeliveryRequest(Bytes.of(bundle(orderId)), PARCEL);
        }

        Delivery only() {
            List<Delivery> all = courier.deliveries();
            assertEquals(1, all.size());
            return all.getFirst();
        }
    }

    private Database db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    static DirectoryKeys enrol(String id, KeyDirectory directory) {
        DirectoryKeys keys = DirectoryKeys.generate(id, directory);
        directory.register(id, keys.publicKey(), SigningKey.generate().verifyingKey());
        return keys;
    }

    static Offer offer(String orderId, String courierId) {
        Map<Role, List<String>> form = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            form.put(role, List.copyOf(SplitOrder.Form.standard().fieldsOf(role)));
        }
        List<Item> items = List.of(new Item("book-978-0", "A book", 2, Money.of(2_000, "EUR")));
        return new Offer(orderId, SELLER, ISSUER, courierId, items, Money.of(4_000, "EUR"), form, T0.plus(Duration.ofHours(1)));
    }

    static Shopper.Details details() {
        return new Shopper.Details(CONTACT, CARD, EXPIRY, DEST);
    }

    long rows() {
        return db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM courier_delivery", r -> r.getLong(1))).orElseThrow();
    }

    /** The refusal has this code, says nothing of the holder's data, and nothing was recorded. */
    void refused(ErrorCode code, Executable action) {
        long before = rows();
        EscudoException e = assertRefused(code, action);
        for (String secret : List.of(CARD, EXPIRY, DEST, CONTACT)) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
        assertEquals(before, rows());
    }

    // ---- accepting a delivery ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void acceptOpensTheCourierPartAndRecordsContactAndDestination(Mode mode) {
        World w = new World(mode);
        assertEquals(COURIER, w.courier.courierId());

        DeliveryReceipt receipt = w.courier.accept(SELLER, w.request("order-1"));

        assertTrue(receipt.trackingId().matches("TRK-[A-Z2-7]{12}"), receipt.trackingId());
        assertEquals("order-1", receipt.orderId());
        assertEquals(HOLDER, receipt.holderId());
        assertEquals(DeliveryState.ACCEPTED, receipt.state());
        assertEquals(Instant.parse("2026-03-01T10:00:00.123456Z"), receipt.updatedAt());
        assertNull(receipt.pickedUpAt(), "the seller still has the parcel");
        assertFalse(receipt.toString().contains(DEST));

        Delivery d = w.only();
        assertEquals(new Delivery(receipt.trackingId(), "order-1", HOLDER, SELLER, CONTACT, DEST, PARCEL,
                DeliveryState.ACCEPTED, receipt.updatedAt(), receipt.updatedAt(), null), d);
        assertEquals(d, w.courier.delivery(receipt.trackingId()));
        assertEquals(receipt, d.receipt());
        assertFalse(d.toString().contains(DEST) || d.toString().contains(CONTACT), d.toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theSameRequestSentAgainAnswersTheSameDelivery(Mode mode) {
        World w = new World(mode);
        DeliveryRequest request = w.request("order-1");
        DeliveryReceipt first = w.courier.accept(SELLER, request);
        w.clock.advance(Duration.ofMinutes(5));

        assertEquals(first, w.courier.accept(SELLER, request));
        DeliveryReceipt picked = w.courier.advance(first.trackingId(), DeliveryState.PICKED_UP);
        // A late retry answers where the delivery stands now, and changes nothing.
        assertEquals(picked, w.courier.accept(SELLER, new DeliveryRequest(request.bundle(), PARCEL)));
        assertEquals(1, rows());
        assertEquals(DeliveryState.PICKED_UP, w.only().state());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theSameOrderIdWithAnotherBundleOrParcelIsReplayed(Mode mode) {
        World w = new World(mode);
        DeliveryRequest request = w.request("order-1");
        DeliveryReceipt first = w.courier.accept(SELLER, request);
        Delivery before = w.only();

        // The holder (or anyone holding a copy of its order) seals order-1 again: fresh salts, another digest.
        assertRefused(OrderException.REPLAYED, () -> w.courier.accept(SELLER, w.request("order-1")));
        assertRefused(OrderException.REPLAYED, () -> w.courier.accept(SELLER, new DeliveryRequest(request.bundle(), "3 x book-978-0")));
        assertEquals(EscudoException.Kind.CONFLICT, assertThrows(OrderException.class,
                () -> w.courier.accept(SELLER, w.request("order-1"))).kind());
        assertEquals(before, w.only());
        assertEquals(first, w.courier.status(SELLER, new DeliveryQuery(first.trackingId())));

        // Another order of the same holder is a delivery of its own.
        DeliveryReceipt second = w.courier.accept(SELLER, w.request("order-2"));
        assertFalse(second.trackingId().equals(first.trackingId()));
        assertEquals(2, rows());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void onlyTheSellerTheHolderOrderedFromMayHandTheOrderOver(Mode mode) {
        World w = new World(mode);
        DeliveryRequest request = w.request("order-1");
        assertRefused(OrderException.BINDING_MISMATCH, () -> w.courier.accept(OTHER_SELLER, request));
        // Naming a party of the order that is not its seller does not help either.
        assertRefused(OrderException.BINDING_MISMATCH, () -> w.courier.accept(ISSUER, request));
        assertRefused(OrderException.BINDING_MISMATCH, () -> w.courier.accept(COURIER, request));
        assertEquals(OrderException.BINDING_MISMATCH,
                assertThrows(OrderException.class, () -> w.courier.accept(OTHER_SELLER, request)).code());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBundleWithoutAPartForThisCourierIsWrongRecipient(Mode mode) {
        World w = new World(mode);
        // The holder chose another courier.
        byte[] elsewhere = new Shopper(w.holder(), ISSUER).seal(offer("order-1", OTHER_COURIER), details()).encode();
        assertRefused(OrderException.WRONG_RECIPIENT, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(elsewhere), PARCEL)));
        // No courier at all (goods collected in the shop).
        Sealed noCourier = SplitOrder.seal(SplitOrder.Form.standard(), "order-2", w.holder(), List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, "2 x book-978-0")),
                Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.EXPIRY, EXPIRY))));
        assertRefused(OrderException.WRONG_RECIPIENT, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(noCourier.encode()), PARCEL)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPartOfAnotherRoleAddressedToTheCourierIsNotOpened(Mode mode) {
        World w = new World(mode);
        // A malicious holder addresses the issuer's part (card number) to the courier.
        Sealed misaddressed = SplitOrder.seal(SplitOrder.Form.standard(), "order-1", w.holder(), List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT)),
                Part.of(Role.ISSUER, COURIER, Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.CONTACT, CONTACT)),
                Part.of(Role.COURIER, OTHER_COURIER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DEST))));
        assertRefused(OrderException.WRONG_RECIPIENT, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(misaddressed.encode()), PARCEL)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTamperedCourierPartIsRefused(Mode mode) {
        World w = new World(mode);
        Sealed bundle = Sealed.decode(w.bundle("order-1"));
        List<SealedPart> parts = new ArrayList<>();
        for (SealedPart part : bundle.parts()) {
            byte[] ciphertext = part.ciphertext().toByteArray();
            if (part.recipient().equals(COURIER)) {
                ciphertext[ciphertext.length / 2] ^= 0x01;
            }
            parts.add(new SealedPart(part.role(), part.recipient(), part.commitment(), Bytes.of(ciphertext)));
        }
        // The digest covers the commitments, not the ciphertexts: the AEAD is what notices.
        byte[] tampered = new Sealed(bundle.orderId(), bundle.holderId(), parts, bundle.digest()).encode();
        assertRefused(OrderException.PART_TAMPERED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(tampered), PARCEL)));

        // A part list that no longer matches the digest (the courier's part swapped for another order's).
        Sealed other = Sealed.decode(w.bundle("order-1"));
        List<SealedPart> mixed = new ArrayList<>(bundle.parts());
        mixed.replaceAll(p -> p.recipient().equals(COURIER) ? other.partFor(COURIER) : p);
        byte[] spliced = new Sealed(bundle.orderId(), bundle.holderId(), mixed, bundle.digest()).encode();
        assertRefused(OrderException.BINDING_MISMATCH, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(spliced), PARCEL)));
    }

    @Test
    void aHolderMissingFromTheDirectoryIsAnUnknownParty() {
        World w = new World(Mode.DIRECTORY);
        // Eve has keys but never registered them: nobody can derive a key with her.
        DirectoryKeys eve = DirectoryKeys.generate("holder:eve", w.directory);
        byte[] bundle = new Shopper(eve, ISSUER).seal(offer("order-1", COURIER), details()).encode();
        assertRefused(OrderException.UNKNOWN_PARTY, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(bundle), PARCEL)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void malformedRequestsAreRefused(Mode mode) {
        World w = new World(mode);
        assertRefused(OrderException.MALFORMED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(new byte[] {1, 2, 3}), PARCEL)));
        assertRefused(OrderException.MALFORMED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(w.bundle("order-1")), " ")));
        // The holder left out the destination (or wrote only blanks): nowhere to deliver.
        Sealed noDestination = SplitOrder.seal(SplitOrder.Form.standard(), "order-2", w.holder(), List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT)),
                Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, CONTACT))));
        assertRefused(OrderException.MALFORMED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(noDestination.encode()), PARCEL)));
        Sealed blankContact = SplitOrder.seal(SplitOrder.Form.standard(), "order-3", w.holder(), List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT)),
                Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, "  ", SplitOrder.DESTINATION, DEST))));
        assertRefused(OrderException.MALFORMED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(blankContact.encode()), PARCEL)));
        Sealed longDestination = SplitOrder.seal(SplitOrder.Form.standard(), "order-4", w.holder(), List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, CONTACT)),
                Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DEST.repeat(40)))));
        assertRefused(OrderException.MALFORMED, () -> w.courier.accept(SELLER, new DeliveryRequest(Bytes.of(longDestination.encode()), PARCEL)));
        assertEquals(0, rows());
    }

    // ---- status for the seller ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSellerSeesOnlyItsOwnDeliveries(Mode mode) {
        World w = new World(mode);
        DeliveryReceipt receipt = w.courier.accept(SELLER, w.request("order-1"));
        assertEquals(receipt, w.courier.status(SELLER, new DeliveryQuery(receipt.trackingId())));

        // Another seller asking about it learns no more than about a tracking id that never existed.
        OrderException other = assertThrows(OrderException.class,
                () -> w.courier.status(OTHER_SELLER, new DeliveryQuery(receipt.trackingId())));
        OrderException unknown = assertThrows(OrderException.class,
                () -> w.courier.status(SELLER, new DeliveryQuery("TRK-AAAAAAAAAAAA")));
        assertEquals(OrderException.NOT_FOUND, other.code());
        assertEquals(EscudoException.Kind.NOT_FOUND, other.kind());
        assertEquals(OrderException.NOT_FOUND, unknown.code());
        assertEquals(other.getMessage().replace(receipt.trackingId(), "X"), unknown.getMessage().replace("TRK-AAAAAAAAAAAA", "X"));
        assertRefused(OrderException.NOT_FOUND, () -> w.courier.delivery("TRK-AAAAAAAAAAAA"));
    }

    // ---- the courier's desk ----

    @Test
    void aDeliveryIsPickedUpThenDelivered() {
        World w = new World(Mode.DIRECTORY);
        DeliveryReceipt accepted = w.courier.accept(SELLER, w.request("order-1"));
        String id = accepted.trackingId();

        w.clock.advance(Duration.ofHours(1));
        DeliveryReceipt picked = w.courier.advance(id, DeliveryState.PICKED_UP);
        assertEquals(DeliveryState.PICKED_UP, picked.state());
        assertEquals(accepted.updatedAt().plus(Duration.ofHours(1)), picked.updatedAt());
        assertEquals(picked.updatedAt(), picked.pickedUpAt());
        assertEquals(picked, w.courier.status(SELLER, new DeliveryQuery(id)));

        w.clock.advance(Duration.ofHours(1));
        assertEquals(picked, w.courier.advance(id, DeliveryState.PICKED_UP), "moving to the current state changes nothing");

        w.clock.advance(Duration.ofHours(1));
        DeliveryReceipt delivered = w.courier.advance(id, DeliveryState.DELIVERED);
        assertEquals(DeliveryState.DELIVERED, delivered.state());
        assertEquals(accepted.updatedAt().plus(Duration.ofHours(3)), delivered.updatedAt());
        assertEquals(picked.pickedUpAt(), delivered.pickedUpAt(), "the pickup keeps its time");

        Delivery d = w.courier.delivery(id);
        assertEquals(DeliveryState.DELIVERED, d.state());
        assertEquals(accepted.updatedAt(), d.createdAt());
        assertEquals(delivered.updatedAt(), d.updatedAt());
        assertEquals(picked.pickedUpAt(), d.pickedUpAt());
        assertEquals(delivered, w.courier.status(SELLER, new DeliveryQuery(id)));
    }

    /** The seller is paid for goods that left the shop: a failure tells it whether they had. */
    @Test
    void aFailedDeliveryTellsWhetherTheCourierHadTheParcel() {
        World w = new World(Mode.DIRECTORY);
        String never = w.courier.accept(SELLER, w.request("order-1")).trackingId();
        String carried = w.courier.accept(SELLER, w.request("order-2")).trackingId();
        w.clock.advance(Duration.ofHours(1));
        Instant pickup = w.courier.advance(carried, DeliveryState.PICKED_UP).pickedUpAt();
        w.clock.advance(Duration.ofHours(1));

        DeliveryReceipt failedAtTheShop = w.courier.advance(never, DeliveryState.FAILED);
        assertNull(failedAtTheShop.pickedUpAt());
        DeliveryReceipt failedOnTheWay = w.courier.advance(carried, DeliveryState.FAILED);
        assertEquals(DeliveryState.FAILED, failedOnTheWay.state());
        assertEquals(T0.plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MICROS), pickup);
        assertEquals(pickup, failedOnTheWay.pickedUpAt());
        assertEquals(failedOnTheWay, w.courier.status(SELLER, new DeliveryQuery(carried)));
        assertNull(w.courier.status(SELLER, new DeliveryQuery(never)).pickedUpAt());
    }

    /**
     * A courier database of the earlier release, which kept no pickup time: parcels picked up or
     * delivered are known to have been picked up (by the time they last moved); a failure stays unknown.
     */
    @Test
    void deliveriesOfTheEarlierReleaseGetAPickupTimeWhereTheirStateShowsOne() throws Exception {
        db = TestDatabase.create();
        String v1;
        try (var in = Courier.class.getResourceAsStream("/db/migration/s2_courier/V1__courier.sql")) {
            v1 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Instant moved = Instant.parse("2026-02-01T09:00:00Z");
        db.run(tx -> {
            for (String statement : v1.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    tx.update(statement);
                }
            }
            int n = 0;
            for (DeliveryState state : DeliveryState.values()) {
                tx.update("INSERT INTO courier_delivery (tracking_id, order_id, holder_id, seller_id, contact, destination, parcel,"
                                + " order_digest, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        "TRK-" + state, "order-" + n++, HOLDER, SELLER, CONTACT, DEST, PARCEL, "00".repeat(32), state.name(),
                        moved.minus(Duration.ofHours(1)), moved);
            }
        });
        Courier upgraded = new Courier(db, enrol(COURIER, new KeyDirectory()), new TestClock(T0));
        Map<DeliveryState, Instant> pickups = new EnumMap<>(DeliveryState.class);
        upgraded.deliveries().forEach(d -> pickups.put(d.state(), d.pickedUpAt()));
        assertEquals(4, pickups.size());
        assertNull(pickups.get(DeliveryState.ACCEPTED));
        assertEquals(moved, pickups.get(DeliveryState.PICKED_UP));
        assertEquals(moved, pickups.get(DeliveryState.DELIVERED));
        assertNull(pickups.get(DeliveryState.FAILED));
    }

    /** Every (from, to) pair: only the moves of the delivery's life are allowed. */
    @ParameterizedTest
    @EnumSource(DeliveryState.class)
    void onlyTheTransitionsOfADeliveryAreAllowed(DeliveryState from) {
        World w = new World(Mode.DIRECTORY);
        Set<String> allowed = Set.of("ACCEPTED>PICKED_UP", "ACCEPTED>FAILED", "PICKED_UP>DELIVERED", "PICKED_UP>FAILED");
        int order = 0;
        for (DeliveryState to : DeliveryState.values()) {
            String id = w.courier.accept(SELLER, w.request("order-" + order++)).trackingId();
            switch (from) {
                case ACCEPTED -> { }
                case PICKED_UP -> w.courier.advance(id, DeliveryState.PICKED_UP);
                case DELIVERED -> {
                    w.courier.advance(id, DeliveryState.PICKED_UP);
                    w.courier.advance(id, DeliveryState.DELIVERED);
                }
                case FAILED -> w.courier.advance(id, DeliveryState.FAILED);
            }
            Delivery before = w.courier.delivery(id);
            w.clock.advance(Duration.ofMinutes(1));
            if (to == from) {
                assertEquals(before.receipt(), w.courier.advance(id, to));
                assertEquals(before, w.courier.delivery(id));
            } else if (allowed.contains(from + ">" + to)) {
                DeliveryReceipt moved = w.courier.advance(id, to);
                assertEquals(to, moved.state());
                assertEquals(w.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS), moved.updatedAt());
                assertEquals(to, w.courier.delivery(id).state());
            } else {
                CourierException e = assertThrows(CourierException.class, () -> w.courier.advance(id, to));
                assertEquals(CourierException.BAD_TRANSITION, e.code(), from + " > " + to);
                assertEquals(EscudoException.Kind.INVALID, e.kind());
                assertEquals(before, w.courier.delivery(id), "a refused move changes nothing");
            }
        }
    }

    @Test
    void advancingAnUnknownDeliveryIsNotFound() {
        World w = new World(Mode.DIRECTORY);
        assertRefused(OrderException.NOT_FOUND, () -> w.courier.advance("TRK-AAAAAAAAAAAA", DeliveryState.PICKED_UP));
    }

    @Test
    void deliveriesListsEveryDeliveryOldestFirst() {
        World w = new World(Mode.DIRECTORY);
        assertEquals(List.of(), w.courier.deliveries());
        DeliveryReceipt first = w.courier.accept(SELLER, w.request("order-1"));
        w.clock.advance(Duration.ofSeconds(1));
        DeliveryReceipt second = w.courier.accept(SELLER, w.request("order-2"));
        assertEquals(List.of(first.trackingId(), second.trackingId()),
                w.courier.deliveries().stream().map(Delivery::trackingId).toList());
    }

    // ---- what the courier never holds ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noCourierTableEverHoldsTheCardNumber(Mode mode) {
        World w = new World(mode);
        DeliveryRequest request = w.request("order-1");
        String id = w.courier.accept(SELLER, request).trackingId();
        w.courier.accept(SELLER, request);
        w.courier.advance(id, DeliveryState.PICKED_UP);
        w.courier.accept(SELLER, w.request("order-2"));

        List<String> values = new ArrayList<>();
        Set<String> tables = new HashSet<>();
        db.run(tx -> {
            try {
                DatabaseMetaData meta = tx.connection().getMetaData();
                try (ResultSet found = meta.getTables(null, tx.connection().getSchema(), "%", new String[] {"TABLE"})) {
                    while (found.next()) {
                        String name = found.getString("TABLE_NAME");
                        if (name.toLowerCase(java.util.Locale.ROOT).startsWith("courier_")
                                || name.toLowerCase(java.util.Locale.ROOT).equals("flyway_history_courier")) {
                            tables.add(name);
                        }
                    }
                }
                for (String table : tables) {
                    tx.query("SELECT * FROM \"" + table + "\"", row -> {
                        ResultSetMetaData columns = row.getMetaData();
                        for (int c = 1; c <= columns.getColumnCount(); c++) {
                            values.add(String.valueOf(row.getObject(c)));
                        }
                        return null;
                    });
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(tables.stream().anyMatch(t -> t.equalsIgnoreCase("courier_delivery")), tables.toString());
        assertTrue(values.contains(DEST), "the test reads the rows it means to");
        for (String value : values) {
            assertFalse(value.contains(CARD), "a courier table holds the card number");
            assertFalse(value.contains(EXPIRY), "a courier table holds the card's expiry");
            assertFalse(value.contains("40.00 EUR"), "a courier table holds the amount");
        }
    }

    // ---- concurrency ----

    @ParameterizedTest
    @EnumSource(Mode.class)
    void concurrentCopiesOfOneRequestMakeOneDelivery(Mode mode) throws Exception {
        World w = new World(mode);
        DeliveryRequest request = w.request("order-1");
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<DeliveryReceipt>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<DeliveryReceipt> send = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return w.courier.accept(SELLER, request);
                };
                answers.add(pool.submit(send));
            }
            Set<DeliveryReceipt> receipts = new HashSet<>();
            for (Future<DeliveryReceipt> answer : answers) {
                receipts.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, receipts.size(), receipts.toString());
            assertEquals(1, rows());
            assertEquals(receipts.iterator().next().trackingId(), w.only().trackingId());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentDifferentBundlesForOneOrderLeaveExactlyOneDelivery() throws Exception {
        World w = new World(Mode.DIRECTORY);
        int threads = 6;
        List<DeliveryRequest> requests = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            requests.add(w.request("order-1"));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (DeliveryRequest request : requests) {
                answers.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        return w.courier.accept(SELLER, request).trackingId();
                    } catch (OrderException e) {
                        return e.code().value();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> answer : answers) {
                results.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertEquals(threads - 1, results.stream().filter(OrderException.REPLAYED.value()::equals).count(), results.toString());
            assertEquals(1, rows());
        } finally {
            pool.shutdownNow();
        }
    }
}
