package escudo.s2.server.seller;

import static escudo.s2.server.seller.Refusals.notFound;
import static escudo.s2.server.seller.Refusals.offerUnknown;

import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.OrderMessage.Placement;
import escudo.s2.protocol.OrderMessage.StatusQuery;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.server.seller.ShopStore.OfferRow;
import escudo.s2.server.seller.ShopStore.StoredOrder;
import escudo.storage.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The seller of S2 (seed 002, Fig. 1 and claim 1): sends the order form (an {@link Offer}),
 * receives the holder's sealed bundle, opens only its own part, checks it against the offer
 * ({@link PlacementChecks}), and forwards the whole bundle to the issuer for authorisation (the
 * issuer holds the amount) and, once authorised, to the courier. Once the courier reports the
 * parcel picked up (or delivered), it captures the held amount at the issuer, which pays it into
 * the seller's deposit account; a delivery that failed before pickup is never paid and its hold is
 * released ({@link OrderProcess}). The card number and the destination are in parts it cannot
 * open, so it never sees or stores them.
 *
 * <p>The issuer and the courier are called outside any database transaction. An order whose
 * partners gave no answer stays where it was and the holder's next {@link #status} query asks
 * again with the same bundle, which both parties answer idempotently. Only one caller at a time
 * talks to the partners about an order (a lease on its row, {@link ShopStore}), and every state
 * change is conditional on the state it leaves, so concurrent queries never process an order twice.
 */
public final class Shop {

    private static final Map<Role, List<String>> OFFER_FORM = offerForm();

    private final ShopSettings settings;
    private final PairwiseKeys sellerKeys;
    private final Clock clock;
    private final Catalogue catalogue;
    private final ShopStore store;
    private final OrderProcess process;

    /** {@code sellerKeys} must be the keys of {@code settings.sellerId()}. Migrates the shop's tables. */
    public Shop(ShopSettings settings, Database db, PairwiseKeys sellerKeys, OrderPartners partners, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sellerKeys = Objects.requireNonNull(sellerKeys, "sellerKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!sellerKeys.myId().equals(settings.sellerId())) {
            throw new IllegalArgumentException("the seller keys belong to " + sellerKeys.myId() + ", not to " + settings.sellerId());
        }
        this.catalogue = new Catalogue(settings.catalogue());
        this.store = new ShopStore(Objects.requireNonNull(db, "db"));
        this.process = new OrderProcess(store, Objects.requireNonNull(partners, "partners"), clock);
    }

    public String sellerId() {
        return settings.sellerId();
    }

    public List<CatalogueItem> catalogue() {
        return catalogue.items();
    }

    /**
     * Seed 002: the order form sent to the holder for a basket of the catalogue
     * ({@code order.malformed} for a basket the catalogue cannot price, see {@link Catalogue#price});
     * the offer gets a fresh, unguessable order id and is kept until placed or expired.
     */
    public Offer offer(Basket basket) {
        Catalogue.Priced priced = catalogue.price(basket);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.offerLifetime());
        String orderId = store.newOffer(priced, settings.issuerId(), settings.courierId(), now, expiresAt);
        return new Offer(orderId, settings.sellerId(), settings.issuerId(), settings.courierId(), priced.items(),
                priced.amount(), OFFER_FORM, expiresAt);
    }

    /**
     * Seed 002, Fig. 1 and claim 1: accepts the holder's sealed order against its offer, has the
     * issuer authorise it (the amount is held, not paid) and hands it to the courier; nothing is
     * captured yet, the courier does not have the parcel. {@code holderId} is already authenticated
     * by the channel. Every refusal before the order is stored changes nothing (the offer stays
     * open). The issuer's sealed decline is recorded and thrown with its reason code; an issuer or
     * courier that gives no answer echoing the order (unreachable, or any exception) leaves it
     * waiting for the next {@link #status} query, and its status is returned.
     */
    public OrderStatus place(String holderId, Placement placement) {
        Objects.requireNonNull(holderId, "holderId");
        Objects.requireNonNull(placement, "placement");
        byte[] encoded = placement.bundle().toByteArray();
        // 1. The bundle must be the sender's own order.
        Sealed bundle = PlacementChecks.bundleOf(holderId, encoded);
        // 2. Open the seller's part (recipient, role, digest, AEAD, header, commitment, fields).
        SellerPart mine = SplitOrder.open(bundle, settings.sellerId(), sellerKeys, SellerPart.class).part();
        // 3. Against the offer: the same parties, items, amount and payment type.
        Instant now = clock.instant();
        OfferRow offer = store.offer(bundle.orderId()).orElseThrow(() -> offerUnknown(bundle.orderId()));
        String contact = PlacementChecks.againstOffer(bundle, mine, offer, now);
        // 4. Accept it once: the offer is used and the order stored in one transaction.
        String lease = ShopStore.newLease();
        StoredOrder order = store.accept(bundle, encoded, contact, offer, now, lease);
        // 5-6. Authorise, then dispatch, outside any transaction.
        OrderProcess.Step step = process.advance(order, lease);
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return toStatus(step.order());
    }

    /**
     * Where the holder's order stands ({@code order.not-found} for an order of another holder).
     * An order still waiting for the issuer or the courier is taken one step further first: a
     * dispatched order asks the courier, and a parcel it reports picked up or delivered is captured
     * (once), a delivery failed before pickup has its hold released. A decline found this way is
     * reported in the status, not thrown.
     */
    public OrderStatus status(String holderId, StatusQuery query) {
        Objects.requireNonNull(holderId, "holderId");
        String orderId = query == null ? null : query.orderId();
        StoredOrder order = store.find(holderId, orderId).orElseThrow(() -> notFound(orderId));
        if (!OrderProcess.pending(order)) {
            return toStatus(order);
        }
        String lease = ShopStore.newLease();
        if (!store.claim(order, lease, clock.instant())) {
            // Another query is talking to the partners about this order right now, or it just moved on.
            return toStatus(store.find(holderId, orderId).orElseThrow(() -> notFound(orderId)));
        }
        return toStatus(process.advance(order, lease).order());
    }

    /** The shop's desk view: every order, oldest first. */
    public List<OrderStatus> orders() {
        return store.orders().stream().map(this::toStatus).toList();
    }

    private OrderStatus toStatus(StoredOrder order) {
        return new OrderStatus(order.orderId(), settings.sellerId(), order.holderId(), order.state(), order.amount(),
                order.authorisationId(), order.trackingId(), order.reason(), order.updatedAt());
    }

    private static Map<Role, List<String>> offerForm() {
        SplitOrder.Form form = SplitOrder.Form.standard();
        Map<Role, List<String>> fields = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            fields.put(role, List.copyOf(form.fieldsOf(role)));
        }
        return fields;
    }
}
