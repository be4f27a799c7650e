package escudo.s2.server.courier;

import escudo.s2.api.Delivery;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.DeliveryQuery;
import escudo.s2.protocol.OrderMessage.DeliveryReceipt;
import escudo.s2.protocol.OrderMessage.DeliveryRequest;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.RandomIds;
import escudo.s2.protocol.SplitOrder;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The delivery service company of seed 002 (Fig. 1, terminal 4): "the delivery service company
 * enters the identifier of the card holder into its secret key", decrypts its part of the order
 * and delivers what the seller hands over to the destination the holder gave. It reads only its
 * own part (contact, destination), so it never learns the card number; it keeps neither the bundle
 * nor anything of the other parts, and logs nothing of what it read.
 *
 * <p>Each (holder, order id) is delivered once: the same request re-sent by the same seller is
 * answered with the existing receipt, anything else for that order is {@code order.replayed}.
 * Every refusal writes nothing.
 */
public final class Courier {

    static final String TRACKING_PREFIX = "TRK-";
    static final int TRACKING_CHARS = 12;
    /** RFC 4648 base32: upper-case letters and 2-7, no look-alikes 0/1/8. */
    /** The column sizes of courier_delivery, checked before anything is written. */
    static final int MAX_ORDER_ID = 256;
    static final int MAX_PARCEL = 2000;
    private static final String COLUMNS = "tracking_id, order_id, holder_id, seller_id, contact, destination, parcel,"
            + " order_digest, state, created_at, updated_at, picked_up_at";

    private final Database db;
    private final PairwiseKeys keys;
    private final Clock clock;

    /** Migrates the {@code courier} tables; {@code courierKeys} are the courier's own pairwise keys. */
    public Courier(Database db, PairwiseKeys courierKeys, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.keys = Objects.requireNonNull(courierKeys, "courierKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        db.migrate("s2_courier");
    }

    public String courierId() {
        return keys.myId();
    }

    /**
     * Takes over the delivery of an order from the seller that sold it. {@code sellerId} is already
     * authenticated by the channel. Refusals: {@code order.malformed} (bundle, missing or oversized
     * contact, destination or parcel), {@code order.binding-mismatch} (the sender is not the seller
     * the holder ordered from, or the bundle's bindings fail), the codes of
     * {@link SplitOrder#open} ({@code order.wrong-recipient}, {@code order.part-tampered},
     * {@code order.unknown-party}), {@code order.replayed}.
     */
    public DeliveryReceipt accept(String sellerId, DeliveryRequest request) {
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(request, "request");
        // 1. Only the seller the holder ordered from may hand the order over.
        SplitOrder.Sealed bundle = SplitOrder.Sealed.decode(request.bundle().toByteArray());
        boolean fromItsSeller = bundle.parts().stream()
                .anyMatch(p -> p.role() == SplitOrder.Role.SELLER && p.recipient().equals(sellerId));
        if (!fromItsSeller) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " was not placed with " + sellerId);
        }
        // 2. Open our own part, and only if it is the courier's: a part of another role addressed
        // to us (say the issuer's, with the card number) is not ours to read.
        SplitOrder.Opened<CourierPart> part = SplitOrder.open(bundle, courierId(), keys, CourierPart.class);
        String contact = required(part, part.part().contact(), SplitOrder.CONTACT);
        String destination = required(part, part.part().destination(), SplitOrder.DESTINATION);
        String parcel = request.parcel();
        if (parcel.isBlank() || parcel.length() > MAX_PARCEL) {
            throw malformed("the parcel (what to carry) has 1 to " + MAX_PARCEL + " characters");
        }
        if (part.orderId().length() > MAX_ORDER_ID) {
            throw malformed("an order id has at most " + MAX_ORDER_ID + " characters");
        }
        String digest = bundle.digest().hex();
        // 3-4. Record it once per (holder, order id); the unique key settles concurrent copies.
        return db.inTransaction(tx -> {
            Instant now = now();
            // A taken tracking id draws another; a row already recorded for this order ends the draws.
            String trackingId = tx.insertWithFreshId(Courier::drawTrackingId,
                    id -> tx.tryInsert("INSERT INTO courier_delivery (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                            id, part.orderId(), part.holderId(), sellerId, contact, destination, parcel, digest,
                            DeliveryState.ACCEPTED.name(), now, now)
                            || recorded(tx, part).isPresent(),
                    "tracking id");
            Stored stored = recorded(tx, part).orElseThrow();
            boolean anEarlierCopy = !stored.delivery.trackingId().equals(trackingId);
            if (anEarlierCopy && !(stored.digest.equals(digest) && stored.delivery.sellerId().equals(sellerId)
                    && stored.delivery.parcel().equals(parcel))) {
                throw OrderException.of(OrderException.REPLAYED,
                        "order " + part.orderId() + " of " + part.holderId() + " was already received");
            }
            return stored.delivery.receipt();
        });
    }

    /** Where a delivery stands, for the seller that handed it over; anyone else's is {@code order.not-found}. */
    public DeliveryReceipt status(String sellerId, DeliveryQuery query) {
        Objects.requireNonNull(sellerId, "sellerId");
        String trackingId = Objects.requireNonNull(query, "query").trackingId();
        if (trackingId == null) {
            throw malformed("a delivery query names a tracking id");
        }
        return db.inTransaction(tx -> find(tx, trackingId, false))
                .filter(d -> d.sellerId().equals(sellerId))
                .orElseThrow(() -> notFound(trackingId))
                .receipt();
    }

    /**
     * The courier's own desk moves a delivery on: ACCEPTED → PICKED_UP → DELIVERED, ACCEPTED or
     * PICKED_UP → FAILED. Moving to the current state changes nothing; any other move is
     * {@code courier.bad-transition}; an unknown tracking id is {@code order.not-found}. The time of
     * the pickup stays on the delivery, so a failure still tells the seller whether the goods had
     * left the shop (the seller is paid for them if they had).
     */
    public DeliveryReceipt advance(String trackingId, DeliveryState next) {
        Objects.requireNonNull(trackingId, "trackingId");
        Objects.requireNonNull(next, "next");
        return db.inTransaction(tx -> {
            Delivery delivery = find(tx, trackingId, true).orElseThrow(() -> notFound(trackingId));
            if (delivery.state() == next) {
                return delivery.receipt();
            }
            if (!allowed(delivery.state(), next)) {
                throw new CourierException(CourierException.BAD_TRANSITION,
                        "delivery " + trackingId + " cannot go from " + delivery.state() + " to " + next);
            }
            Instant now = now();
            Instant pickedUpAt = next == DeliveryState.PICKED_UP ? now : delivery.pickedUpAt();
            tx.update("UPDATE courier_delivery SET state = ?, updated_at = ?, picked_up_at = ? WHERE tracking_id = ?",
                    next.name(), now, pickedUpAt, trackingId);
            return new DeliveryReceipt(trackingId, delivery.orderId(), delivery.holderId(), next, now, pickedUpAt);
        });
    }

    /** Every delivery, oldest first, for the courier's desk. */
    public List<Delivery> deliveries() {
        return db.inTransaction(tx -> tx.query("SELECT " + COLUMNS + " FROM courier_delivery ORDER BY created_at, tracking_id",
                Courier::delivery));
    }

    /** One delivery, for the courier's desk; {@code order.not-found} if there is none. */
    public Delivery delivery(String trackingId) {
        Objects.requireNonNull(trackingId, "trackingId");
        return db.inTransaction(tx -> find(tx, trackingId, false)).orElseThrow(() -> notFound(trackingId));
    }

    static boolean allowed(DeliveryState from, DeliveryState to) {
        return switch (from) {
            case ACCEPTED -> to == DeliveryState.PICKED_UP || to == DeliveryState.FAILED;
            case PICKED_UP -> to == DeliveryState.DELIVERED || to == DeliveryState.FAILED;
            case DELIVERED, FAILED -> false;
        };
    }

    private static Optional<Delivery> find(Tx tx, String trackingId, boolean forUpdate) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM courier_delivery WHERE tracking_id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                Courier::delivery, trackingId);
    }

    /** A row with the digest, which only the replay check needs. */
    private record Stored(Delivery delivery, String digest) {
    }

    private static Optional<Stored> recorded(Tx tx, SplitOrder.Opened<CourierPart> part) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM courier_delivery WHERE holder_id = ? AND order_id = ?",
                Courier::stored, part.holderId(), part.orderId());
    }

    private static Stored stored(ResultSet row) throws SQLException {
        return new Stored(delivery(row), row.getString("order_digest"));
    }

    private static Delivery delivery(ResultSet row) throws SQLException {
        return new Delivery(row.getString("tracking_id"), row.getString("order_id"), row.getString("holder_id"),
                row.getString("seller_id"), row.getString("contact"), row.getString("destination"), row.getString("parcel"),
                DeliveryState.valueOf(row.getString("state")), Tx.instant(row, "created_at"), Tx.instant(row, "updated_at"),
                Tx.instant(row, "picked_up_at"));
    }

    /** A field of our part that must be there (the protocol checked its length); the message names the field. */
    private static String required(SplitOrder.Opened<CourierPart> part, Optional<String> value, String field) {
        return value.orElseThrow(() -> malformed("the courier's part of order " + part.orderId() + " lacks its '" + field + "'"));
    }

    private static String drawTrackingId() {
        return RandomIds.next(TRACKING_PREFIX, TRACKING_CHARS);
    }

    /** Both databases keep microseconds; truncating here makes a re-read receipt equal the first. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static OrderException malformed(String message) {
        return OrderException.of(OrderException.MALFORMED, message);
    }

    private static OrderException notFound(String trackingId) {
        return OrderException.of(OrderException.NOT_FOUND, "no delivery " + trackingId);
    }
}
