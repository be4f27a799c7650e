package escudo.s2.server.seller;

import static escudo.s2.server.seller.Refusals.offerUnknown;
import static escudo.s2.server.seller.Refusals.replayed;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.RandomIds;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The shop's tables: open and used offers ({@code shop_offer}) and placed orders
 * ({@code shop_order}), with the lease that lets one caller at a time talk to the partners about
 * an order. Every state change is conditional on the state it leaves.
 */
final class ShopStore {

    /**
     * Outlasts one advance(): two partner calls (the issuer then the courier at placement, the
     * courier then the issuer on a status query), each a directory lookup plus hello and request
     * on the channel (2 x (5 s connect + 30 s request)), with room to spare.
     */
    static final Duration LEASE = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(Shop.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An offer as stored; {@code items} is its items text. */
    record OfferRow(String orderId, String items, Money amount, String issuerId, String courierId, Instant expiresAt,
                    boolean used) {
    }

    /**
     * A stored order; {@code bundle} is the holder's encoded bundle in base64, {@code digest} its
     * digest in hex. {@code pickedUpAt} is when the courier reports it took the parcel (null while
     * the seller knows of no pickup), {@code capturedAt} when the issuer paid the seller,
     * {@code releasedAt} when the issuer released the hold of an order that will never be paid.
     */
    record StoredOrder(String orderId, String holderId, String items, Money amount, String issuerId, String courierId,
                       String digest, String bundleBase64, OrderState state, String authorisationId, String trackingId,
                       String reason, Instant placedAt, Instant updatedAt, Instant pickedUpAt, Instant capturedAt,
                       Instant releasedAt) {
        Bytes bundle() {
            return Bytes.of(Base64.getDecoder().decode(bundleBase64));
        }
    }

    private final Database db;

    /** Migrates the shop's tables. */
    ShopStore(Database db) {
        this.db = db;
        db.migrate("s2_seller");
    }

    /** Stores a fresh offer under a new, unguessable order id, and returns the id. */
    String newOffer(Catalogue.Priced priced, String issuerId, String courierId, Instant now, Instant expiresAt) {
        return db.inTransaction(tx -> {
            // Anyone may ask for offers; expired, never placed ones are of no further use.
            tx.update("DELETE FROM shop_offer WHERE state = 'OPEN' AND expires_at < ?", now);
            return tx.insertWithFreshId(ShopStore::newOrderId,
                    id -> tx.tryInsert("INSERT INTO shop_offer (order_id, items, amount_minor, currency, issuer_id, courier_id,"
                                    + " created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN')",
                            id, priced.itemsText(), priced.amount().minorUnits(), priced.amount().currencyCode(), issuerId,
                            courierId, now, expiresAt),
                    "order id");
        });
    }

    Optional<OfferRow> offer(String orderId) {
        return db.inTransaction(tx -> findOffer(tx, orderId));
    }

    /**
     * Accepts the order once: the offer is used and the order stored, under {@code lease}, in one
     * transaction; a concurrent placement or an offer expired meanwhile is refused.
     */
    StoredOrder accept(Sealed bundle, byte[] encoded, String contact, OfferRow offer, Instant now, String lease) {
        return db.inTransaction(tx -> {
            int used = tx.update("UPDATE shop_offer SET state = 'USED', used_at = ? WHERE order_id = ? AND state = 'OPEN'"
                    + " AND expires_at > ?", now, offer.orderId(), now);
            if (used == 0) {
                // Placed by a concurrent request, or expired meanwhile.
                boolean placed = findOffer(tx, offer.orderId()).map(OfferRow::used).orElse(false);
                throw placed ? replayed(offer.orderId()) : offerUnknown(offer.orderId());
            }
            String digest = bundle.digest().hex();
            String encodedBundle = Base64.getEncoder().encodeToString(encoded);
            if (!tx.tryInsert("INSERT INTO shop_order (order_id, holder_id, contact, items, amount_minor, currency, issuer_id,"
                            + " courier_id, digest, bundle, state, lease, lease_until, placed_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'AWAITING_AUTHORISATION', ?, ?, ?, ?)",
                    offer.orderId(), bundle.holderId(), contact, offer.items(), offer.amount().minorUnits(),
                    offer.amount().currencyCode(), offer.issuerId(), offer.courierId(), digest, encodedBundle, lease,
                    now.plus(LEASE), now, now)) {
                throw replayed(offer.orderId());
            }
            return new StoredOrder(offer.orderId(), bundle.holderId(), offer.items(), offer.amount(), offer.issuerId(),
                    offer.courierId(), digest, encodedBundle, OrderState.AWAITING_AUTHORISATION, null, null, null, now, now,
                    null, null, null);
        });
    }

    Optional<StoredOrder> find(String holderId, String orderId) {
        if (orderId == null || orderId.length() > 64) {
            return Optional.empty();
        }
        return db.inTransaction(tx -> tx.queryOne("SELECT * FROM shop_order WHERE order_id = ? AND holder_id = ?",
                ShopStore::order, orderId, holderId));
    }

    /** Every order, oldest first. */
    List<StoredOrder> orders() {
        return db.inTransaction(tx -> tx.query("SELECT * FROM shop_order ORDER BY placed_at, order_id", ShopStore::order));
    }

    /** Takes the lease on an order still in the state it was read in, unless another caller holds it. */
    boolean claim(StoredOrder order, String lease, Instant now) {
        return db.inTransaction(tx -> tx.update(
                "UPDATE shop_order SET lease = ?, lease_until = ? WHERE order_id = ? AND holder_id = ? AND state = ?"
                        + " AND (lease IS NULL OR lease_until < ?)",
                lease, now.plus(LEASE), order.orderId(), order.holderId(), order.state().name(), now)) == 1;
    }

    /** Gives up the lease; should that fail, the lease simply runs out. */
    void release(String orderId, String lease) {
        try {
            db.run(tx -> tx.update("UPDATE shop_order SET lease = NULL, lease_until = NULL WHERE order_id = ? AND lease = ?",
                    orderId, lease));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release the lease on order {0}; it runs out by itself", orderId);
        }
    }

    /**
     * Moves the order from {@code from} to {@code to}, setting {@code column} (one of ours, never
     * input) to {@code value}; a no-op if the order has left {@code from} meanwhile. Returns the row as stored.
     */
    StoredOrder move(StoredOrder order, OrderState from, OrderState to, String column, String value, Instant now) {
        return db.inTransaction(tx -> {
            tx.update("UPDATE shop_order SET state = ?, " + column + " = ?, updated_at = ? WHERE order_id = ? AND state = ?",
                    to.name(), value, now, order.orderId(), from.name());
            return reread(tx, order);
        });
    }

    /**
     * What the courier reported: the order moves from the state it was read in to {@code to}, under
     * {@code trackingId}, and a pickup once known stays recorded (its first time); a no-op if the
     * order has left its state meanwhile. Returns the row as stored.
     */
    StoredOrder tracked(StoredOrder order, OrderState to, String trackingId, Instant pickedUpAt, Instant now) {
        return db.inTransaction(tx -> {
            tx.update("UPDATE shop_order SET state = ?, tracking_id = ?, picked_up_at = COALESCE(picked_up_at, ?), updated_at = ?"
                            + " WHERE order_id = ? AND state = ?",
                    to.name(), trackingId, pickedUpAt, now, order.orderId(), order.state().name());
            return reread(tx, order);
        });
    }

    /** Records that the issuer released the order's hold (once): it will never be paid. Returns the row as stored. */
    StoredOrder released(StoredOrder order, Instant now) {
        return db.inTransaction(tx -> {
            tx.update("UPDATE shop_order SET released_at = ?, updated_at = ? WHERE order_id = ? AND released_at IS NULL"
                    + " AND captured_at IS NULL", now, now, order.orderId());
            return reread(tx, order);
        });
    }

    /** Records that the issuer paid the order (once). Returns the row as stored. */
    StoredOrder captured(StoredOrder order, Instant now) {
        return db.inTransaction(tx -> {
            tx.update("UPDATE shop_order SET captured_at = ?, updated_at = ? WHERE order_id = ? AND captured_at IS NULL",
                    now, now, order.orderId());
            return reread(tx, order);
        });
    }

    static String newLease() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** "ORD-" and 16 base32 characters: 80 random bits, so order ids cannot be guessed. */
    private static String newOrderId() {
        return RandomIds.next("ORD-", 16);
    }

    private static StoredOrder reread(Tx tx, StoredOrder order) {
        return tx.queryOne("SELECT * FROM shop_order WHERE order_id = ?", ShopStore::order, order.orderId()).orElseThrow();
    }

    private static Optional<OfferRow> findOffer(Tx tx, String orderId) {
        if (orderId.length() > 64) {
            return Optional.empty();
        }
        return tx.queryOne("SELECT * FROM shop_offer WHERE order_id = ?", r -> new OfferRow(r.getString("order_id"),
                r.getString("items"), Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("issuer_id"),
                r.getString("courier_id"), Tx.instant(r, "expires_at"), "USED".equals(r.getString("state"))), orderId);
    }

    private static StoredOrder order(ResultSet r) throws SQLException {
        return new StoredOrder(r.getString("order_id"), r.getString("holder_id"), r.getString("items"),
                Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("issuer_id"),
                r.getString("courier_id"), r.getString("digest"), r.getString("bundle"), OrderState.valueOf(r.getString("state")),
                r.getString("authorisation_id"), r.getString("tracking_id"), r.getString("reason"),
                Tx.instant(r, "placed_at"), Tx.instant(r, "updated_at"), Tx.instant(r, "picked_up_at"),
                Tx.instant(r, "captured_at"), Tx.instant(r, "released_at"));
    }
}
