package escudo.s2.server.seller;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Authorisation;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Capture;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.DeliveryQuery;
import escudo.s2.protocol.OrderMessage.DeliveryReceipt;
import escudo.s2.protocol.OrderMessage.DeliveryRequest;
import escudo.s2.protocol.OrderMessage.Item;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.OrderMessage.Placement;
import escudo.s2.protocol.OrderMessage.StatusQuery;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.RandomIds;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Opened;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * The seller of S2 (seed 002, Fig. 1 and claim 1): sends the order form (an {@link Offer}),
 * receives the holder's sealed bundle, opens only its own part, checks it against the offer, and
 * forwards the whole bundle to the issuer for authorisation (the issuer holds the amount) and,
 * once authorised, to the courier; once the courier has taken the order, it captures the held
 * amount at the issuer, which pays it into the seller's deposit account. The
 * card number and the destination are in parts it cannot open, so it never sees or stores them.
 *
 * <p>The issuer and the courier are called outside any database transaction. Only an answer
 * that echoes the order (id, holder and, from the issuer, the bundle's digest) moves it on: a call
 * that throws, whatever its code, is no answer, because problem documents are not authenticated
 * (an on-path attacker could forge a decline after the issuer held the money). Such an order
 * stays where it was and the holder's next {@link #status} query asks again with the same bundle,
 * which both parties answer idempotently. Only one caller at a time talks to the partners about
 * an order (a lease on its row), and every state change is conditional on the state it leaves, so
 * concurrent queries never process an order twice.
 */
public final class Shop {

    /** The shop's settings are unusable (refused at start). */
    public static final ErrorCode INVALID_SETTINGS = ErrorCode.declare("shop.invalid-settings", Kind.INVALID);
    /** The shop's catalogue is unusable (refused at start). */
    public static final ErrorCode INVALID_CATALOGUE = ErrorCode.declare("shop.invalid-catalogue", Kind.INVALID);

    /**
     * @param issuerId the issuer every offer names (it authorises the amount, and pays it on capture)
     * @param courierId the courier every offer names
     * @param offerLifetime how long an offer may be placed
     */
    public record Settings(String sellerId, String issuerId, String courierId, Duration offerLifetime,
                           List<CatalogueItem> catalogue) {
        public Settings {
            checkId(sellerId, "seller id");
            checkId(issuerId, "issuer id");
            checkId(courierId, "courier id");
            if (new HashSet<>(List.of(sellerId, issuerId, courierId)).size() != 3) {
                throw invalidSettings("seller, issuer and courier must be three different parties");
            }
            Objects.requireNonNull(offerLifetime, "offerLifetime");
            if (offerLifetime.isNegative() || offerLifetime.isZero()) {
                throw invalidSettings("offers must live for a positive time");
            }
            catalogue = List.copyOf(catalogue);
            if (catalogue.isEmpty()) {
                throw invalidSettings("the catalogue is empty");
            }
            Set<String> skus = new HashSet<>();
            Currency currency = catalogue.getFirst().unitPrice().currency();
            for (CatalogueItem item : catalogue) {
                if (!skus.add(item.sku())) {
                    throw invalidSettings("sku " + item.sku() + " is in the catalogue twice");
                }
                if (!item.unitPrice().currency().equals(currency)) {
                    throw invalidSettings("the catalogue mixes currencies");
                }
            }
        }

        /** A small demo catalogue in {@code currency}; offers live 15 minutes. */
        public static Settings defaults(String sellerId, String issuerId, String courierId, String currency) {
            Currency c = Money.currency(currency);
            return new Settings(sellerId, issuerId, courierId, Duration.ofMinutes(15), List.of(
                    new CatalogueItem("tea-green-100g", "Green tea, 100 g", price("6.50", c)),
                    new CatalogueItem("mug", "Mug", price("12.00", c)),
                    new CatalogueItem("kettle", "Kettle", price("39.90", c))));
        }

        private static Money price(String amount, Currency currency) {
            long minor = new BigDecimal(amount).movePointRight(Math.max(0, currency.getDefaultFractionDigits()))
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
            return new Money(minor, currency);
        }

        private static void checkId(String id, String what) {
            Objects.requireNonNull(id, what);
            if (id.isBlank() || id.length() > 256) {
                throw invalidSettings("the " + what + " is 1 to 256 characters");
            }
        }

        private static EscudoException invalidSettings(String message) {
            return new EscudoException(INVALID_SETTINGS, message);
        }
    }

    static final int MAX_LINES = 50;
    static final int MAX_QUANTITY = 99;
    static final int MAX_BUNDLE_BYTES = 32 * 1024;
    static final int MAX_CONTACT_LENGTH = 1000;
    /** The courier carries parcels (the offer's items text) of at most this many characters. */
    static final int MAX_ITEMS_TEXT = 2000;
    /**
     * Outlasts one advance(): an issuer call then a courier call, each a directory lookup plus
     * hello and request on the channel (2 x (5 s connect + 30 s request)), with room to spare.
     */
    static final Duration LEASE = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(Shop.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A decline reason is a short code such as {@code order.card-declined} or {@code issuer.unknown-merchant}. */
    private static final Pattern DECLINE_CODE = Pattern.compile("[a-z][a-z0-9-]{0,15}\\.[a-z0-9-]{1,47}");
    private static final Pattern PARTNER_ID = Pattern.compile("\\S{1,128}");
    private static final SplitOrder.Form FORM = SplitOrder.Form.standard();
    private static final Map<Role, List<String>> OFFER_FORM = offerForm();

    private final Settings settings;
    private final Database db;
    private final PairwiseKeys sellerKeys;
    private final OrderPartners partners;
    private final Clock clock;
    private final Map<String, CatalogueItem> bySku;

    /** {@code sellerKeys} must be the keys of {@code settings.sellerId()}. Migrates the shop's tables. */
    public Shop(Settings settings, Database db, PairwiseKeys sellerKeys, OrderPartners partners, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.db = Objects.requireNonNull(db, "db");
        this.sellerKeys = Objects.requireNonNull(sellerKeys, "sellerKeys");
        this.partners = Objects.requireNonNull(partners, "partners");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!sellerKeys.myId().equals(settings.sellerId())) {
            throw new IllegalArgumentException("the seller keys belong to " + sellerKeys.myId() + ", not to " + settings.sellerId());
        }
        Map<String, CatalogueItem> skus = new HashMap<>();
        settings.catalogue().forEach(item -> skus.put(item.sku(), item));
        this.bySku = Map.copyOf(skus);
        db.migrate("s2_seller");
    }

    public String sellerId() {
        return settings.sellerId();
    }

    public List<CatalogueItem> catalogue() {
        return settings.catalogue();
    }

    /**
     * Seed 002: the order form sent to the holder. Each line names a catalogue sku once, with a
     * quantity of 1 to 99, and the items text is at most {@value #MAX_ITEMS_TEXT} characters, as
     * the courier carries no longer parcel ({@code order.malformed} otherwise); the offer gets a
     * fresh, unguessable order id and is kept until placed or expired.
     */
    public Offer offer(Basket basket) {
        if (basket == null || basket.lines().isEmpty() || basket.lines().size() > MAX_LINES) {
            throw malformed("a basket has 1 to " + MAX_LINES + " lines");
        }
        List<Item> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Money amount = null;
        for (Basket.Line line : basket.lines()) {
            if (line == null || line.sku() == null) {
                throw malformed("a basket line names a sku");
            }
            CatalogueItem article = bySku.get(line.sku());
            if (article == null) {
                throw malformed("the catalogue has no article '" + abbreviate(line.sku()) + "'");
            }
            if (line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
                throw malformed("the quantity of " + article.sku() + " must be 1 to " + MAX_QUANTITY);
            }
            if (!seen.add(article.sku())) {
                throw malformed(article.sku() + " is in the basket twice");
            }
            Item item = new Item(article.sku(), article.name(), line.quantity(), article.unitPrice());
            items.add(item);
            amount = amount == null ? item.total() : amount.plus(item.total());
        }
        Money total = amount;
        String itemsText = Offer.itemsText(items);
        if (itemsText.length() > MAX_ITEMS_TEXT) {
            // Refused now: the courier would refuse the parcel of a paid order, leaving it AUTHORISED for good.
            throw malformed("the basket's items text is longer than the courier's " + MAX_ITEMS_TEXT + " characters");
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.offerLifetime());
        String orderId = db.inTransaction(tx -> {
            // Anyone may ask for offers; expired, never placed ones are of no further use.
            tx.update("DELETE FROM shop_offer WHERE state = 'OPEN' AND expires_at < ?", now);
            return tx.insertWithFreshId(Shop::newOrderId,
                    id -> tx.tryInsert("INSERT INTO shop_offer (order_id, items, amount_minor, currency, issuer_id, courier_id,"
                                    + " created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'OPEN')",
                            id, itemsText, total.minorUnits(), total.currencyCode(), settings.issuerId(), settings.courierId(),
                            now, expiresAt),
                    "order id");
        });
        return new Offer(orderId, settings.sellerId(), settings.issuerId(), settings.courierId(), items, total, OFFER_FORM,
                expiresAt);
    }

    /**
     * Seed 002, Fig. 1 and claim 1: accepts the holder's sealed order against its offer, has the
     * issuer authorise it and hands it to the courier. {@code holderId} is already authenticated
     * by the channel. Every refusal before the order is stored changes nothing (the offer stays
     * open). The issuer's sealed decline is recorded and thrown with its reason code; an issuer or
     * courier that gives no answer echoing the order (unreachable, or any exception) leaves it
     * waiting for the next {@link #status} query, and its status is returned.
     */
    public OrderStatus place(String holderId, Placement placement) {
        Objects.requireNonNull(holderId, "holderId");
        Objects.requireNonNull(placement, "placement");
        byte[] encoded = placement.bundle();
        if (encoded.length > MAX_BUNDLE_BYTES) {
            throw malformed("a sealed order has at most " + MAX_BUNDLE_BYTES + " bytes");
        }
        // 1. The bundle must be the sender's own order.
        Sealed bundle = Sealed.decode(encoded);
        if (!bundle.holderId().equals(holderId)) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " is not the sending holder's");
        }
        // 2. Open the seller's part (recipient, digest, AEAD, header, commitment), and only if it is
        // the seller's: a part of another role addressed to us (the courier's, with the destination)
        // is not ours to read.
        if (bundle.partFor(settings.sellerId()).role() != Role.SELLER) {
            throw OrderException.of(OrderException.WRONG_RECIPIENT,
                    "order " + bundle.orderId() + " addresses no seller part to " + settings.sellerId());
        }
        Opened mine = SplitOrder.open(bundle, settings.sellerId(), sellerKeys);
        // 3. Against the offer: the same parties, items, amount and payment type.
        Instant now = clock.instant();
        OfferRow offer = db.inTransaction(tx -> findOffer(tx, bundle.orderId())).orElseThrow(() -> offerUnknown(bundle.orderId()));
        if (offer.used()) {
            throw replayed(bundle.orderId());
        }
        if (!now.isBefore(offer.expiresAt())) {
            throw OrderException.of(OrderException.OFFER_UNKNOWN, "the offer for order " + offer.orderId() + " expired");
        }
        checkParties(bundle, offer);
        SellerPart part = sellerPart(mine);
        if (!part.items().equals(offer.items())) {
            throw OrderException.of(OrderException.ITEMS_MISMATCH,
                    "the order names other items than offer " + offer.orderId());
        }
        if (!part.amount().equals(offer.amount())) {
            throw OrderException.of(OrderException.AMOUNT_MISMATCH,
                    "the amount in the seller's part differs from the offer's");
        }
        if (!Shopper.FULL_PAYMENT.equals(part.paymentType())) {
            throw malformed("this shop accepts payment type '" + Shopper.FULL_PAYMENT + "' only");
        }
        // 4. Accept it once: the offer is used and the order stored in one transaction.
        String lease = newLease();
        Order order = db.inTransaction(tx -> accept(tx, bundle, encoded, part, offer, now, lease));
        // 5-6. Authorise, then dispatch, outside any transaction.
        Step step = advance(order, lease);
        if (step.refusal() != null) {
            throw step.refusal();
        }
        return toStatus(step.order());
    }

    /**
     * Where the holder's order stands ({@code order.not-found} for an order of another holder).
     * An order still waiting for the issuer or the courier is taken one step further first; a
     * decline found this way is reported in the status, not thrown.
     */
    public OrderStatus status(String holderId, StatusQuery query) {
        Objects.requireNonNull(holderId, "holderId");
        String orderId = query == null ? null : query.orderId();
        Order order = find(holderId, orderId).orElseThrow(() -> notFound(orderId));
        if (!pending(order)) {
            return toStatus(order);
        }
        String lease = newLease();
        Instant now = clock.instant();
        boolean claimed = db.inTransaction(tx -> tx.update(
                "UPDATE shop_order SET lease = ?, lease_until = ? WHERE order_id = ? AND holder_id = ? AND state = ?"
                        + " AND (lease IS NULL OR lease_until < ?)",
                lease, now.plus(LEASE), order.orderId(), holderId, order.state().name(), now)) == 1;
        if (!claimed) {
            // Another query is talking to the partners about this order right now, or it just moved on.
            return toStatus(find(holderId, orderId).orElseThrow(() -> notFound(orderId)));
        }
        return toStatus(advance(order, lease).order());
    }

    /** The shop's desk view: every order, oldest first. */
    public List<OrderStatus> orders() {
        return db.inTransaction(tx -> tx.query("SELECT * FROM shop_order ORDER BY placed_at, order_id", Shop::order))
                .stream().map(this::toStatus).toList();
    }

    // --- step 3 -------------------------------------------------------------------------------

    /** Exactly one part per role, the issuer's and the courier's addressed to the parties of the offer. */
    private static void checkParties(Sealed bundle, OfferRow offer) {
        Map<Role, String> recipients = new EnumMap<>(Role.class);
        for (SplitOrder.SealedPart part : bundle.parts()) {
            if (recipients.put(part.role(), part.recipient()) != null) {
                throw OrderException.of(OrderException.BINDING_MISMATCH,
                        "order " + bundle.orderId() + " has two parts for the " + part.role());
            }
        }
        if (recipients.size() != Role.values().length || !offer.issuerId().equals(recipients.get(Role.ISSUER))
                || !offer.courierId().equals(recipients.get(Role.COURIER))) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " is not addressed to the issuer and courier of its offer");
        }
    }

    private record SellerPart(String contact, String items, Money amount, String paymentType) {
    }

    /** The seller's fields, exactly those the form gives the seller; values are never echoed. */
    private static SellerPart sellerPart(Opened mine) {
        SortedMap<String, String> fields = mine.fields();
        for (String name : fields.keySet()) {
            if (!FORM.fieldsOf(Role.SELLER).contains(name)) {
                throw OrderException.of(OrderException.FIELD_NOT_ALLOWED,
                        "the order form does not give field '" + abbreviate(name) + "' to the SELLER");
            }
        }
        for (String name : FORM.fieldsOf(Role.SELLER)) {
            if (!fields.containsKey(name)) {
                throw malformed("the seller's part lacks field '" + name + "'");
            }
        }
        String contact = fields.get(SplitOrder.CONTACT);
        if (contact.isBlank() || contact.length() > MAX_CONTACT_LENGTH) {
            throw malformed("the contact is 1 to " + MAX_CONTACT_LENGTH + " characters");
        }
        Money amount;
        try {
            amount = Money.parse(fields.get(SplitOrder.AMOUNT));
        } catch (EscudoException e) {
            throw malformed("the seller's part has no valid amount");
        }
        return new SellerPart(contact, fields.get(SplitOrder.ITEMS), amount, fields.get(SplitOrder.PAYMENT_TYPE));
    }

    // --- step 4 -------------------------------------------------------------------------------

    private Order accept(Tx tx, Sealed bundle, byte[] encoded, SellerPart part, OfferRow offer, Instant now, String lease) {
        int used = tx.update("UPDATE shop_offer SET state = 'USED', used_at = ? WHERE order_id = ? AND state = 'OPEN'"
                + " AND expires_at > ?", now, offer.orderId(), now);
        if (used == 0) {
            // Placed by a concurrent request, or expired meanwhile.
            boolean placed = findOffer(tx, offer.orderId()).map(OfferRow::used).orElse(false);
            throw placed ? replayed(offer.orderId()) : offerUnknown(offer.orderId());
        }
        String digest = HexFormat.of().formatHex(bundle.digest());
        String encodedBundle = Base64.getEncoder().encodeToString(encoded);
        if (!tx.tryInsert("INSERT INTO shop_order (order_id, holder_id, contact, items, amount_minor, currency, issuer_id,"
                        + " courier_id, digest, bundle, state, lease, lease_until, placed_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'AWAITING_AUTHORISATION', ?, ?, ?, ?)",
                offer.orderId(), bundle.holderId(), part.contact(), offer.items(), offer.amount().minorUnits(),
                offer.amount().currencyCode(), offer.issuerId(), offer.courierId(), digest, encodedBundle, lease,
                now.plus(LEASE), now, now)) {
            throw replayed(offer.orderId());
        }
        return new Order(offer.orderId(), bundle.holderId(), offer.items(), offer.amount(), offer.issuerId(),
                offer.courierId(), digest, encodedBundle, OrderState.AWAITING_AUTHORISATION, null, null, null, now, now, null);
    }

    // --- steps 5 and 6 ------------------------------------------------------------------------

    /** Where an order got to, and the issuer's sealed decline to hand to the holder at placement. */
    private record Step(Order order, EscudoException refusal) {
    }

    /** Takes a pending order as far as the partners allow, under the lease the caller holds. */
    private Step advance(Order order, String lease) {
        try {
            Order current = order;
            EscudoException refusal = null;
            if (current.state() == OrderState.AWAITING_AUTHORISATION) {
                Step step = authorise(current);
                current = step.order();
                refusal = step.refusal();
            }
            if (current.state() == OrderState.AUTHORISED) {
                current = dispatch(current);
            } else if (current.state() == OrderState.DISPATCHED) {
                current = track(current);
            }
            if (awaitsCapture(current)) {
                current = capture(current);
            }
            return new Step(current, refusal);
        } finally {
            release(order.orderId(), lease);
        }
    }

    /**
     * Step 5: the issuer authorises the amount over the order's digest, and holds it. Only its
     * answer echoing the order can decline it; an exception, even one with an {@code order.*}
     * code, is an unauthenticated problem document or a channel failure, so the order waits.
     */
    private Step authorise(Order order) {
        Authorisation answer;
        try {
            answer = partners.authorise(order.issuerId(), new AuthorisationRequest(order.bundle(), order.amount()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "no authorisation for order {0} ({1}); asking again on the next status query",
                    order.orderId(), e.code());
            return new Step(order, null);
        }
        if (!answers(order, answer)) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0}''s answer does not match order {1}; asking again on the next status query",
                    order.issuerId(), order.orderId());
            return new Step(order, null);
        }
        if (answer.decision() == OrderMessage.Decision.APPROVED) {
            return new Step(move(order, OrderState.AWAITING_AUTHORISATION, OrderState.AUTHORISED, "authorisation_id",
                    answer.authorisationId()), null);
        }
        ErrorCode reason = answer.reason() != null && DECLINE_CODE.matcher(answer.reason()).matches()
                ? ErrorCode.decode(answer.reason(), Kind.REFUSED) : OrderException.CARD_DECLINED;
        Order declined = decline(order, reason.value());
        String detail = answer.detail() == null ? "" : ": " + abbreviate(answer.detail());
        return new Step(declined, declined.state() == OrderState.DECLINED
                ? OrderException.relayed(Kind.REFUSED, reason, "the issuer declined order " + order.orderId() + detail) : null);
    }

    /** The issuer's answer must be about this order and bundle, and approve exactly its amount. */
    private static boolean answers(Order order, Authorisation answer) {
        if (answer == null || !order.orderId().equals(answer.orderId()) || !order.holderId().equals(answer.holderId())
                || !MessageDigest.isEqual(HexFormat.of().parseHex(order.digest()), answer.digest())) {
            return false;
        }
        return answer.decision() == OrderMessage.Decision.DECLINED
                || order.amount().equals(answer.amount()) && validPartnerId(answer.authorisationId());
    }

    /** Step 6: the courier takes the paid order. */
    private Order dispatch(Order order) {
        DeliveryReceipt receipt;
        try {
            receipt = partners.deliver(order.courierId(), new DeliveryRequest(order.bundle(), order.items()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "courier {0} did not take order {1} ({2}); asking again on the next status query",
                    order.courierId(), order.orderId(), e.code());
            return order;
        }
        if (!answers(order, receipt) || !validPartnerId(receipt.trackingId())) {
            LOG.log(System.Logger.Level.WARNING, "courier {0}''s receipt does not match order {1}; asking again on the next status query",
                    order.courierId(), order.orderId());
            return order;
        }
        return move(order, OrderState.AUTHORISED, stateOf(receipt.state()), "tracking_id", receipt.trackingId());
    }

    /**
     * Step 7: the courier has the parcel, so the seller captures the held amount and the issuer
     * pays it. Only an answer echoing the order, its authorisation id and amount counts as paid;
     * anything else leaves the capture for the next status query, and a hold never captured
     * expires at the issuer, which gives the holder the money back.
     */
    private Order capture(Order order) {
        Capture paid;
        try {
            paid = partners.capture(order.issuerId(), new CaptureRequest(order.orderId(), order.holderId(), order.authorisationId()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0} did not capture order {1} ({2}); asking again on the next status query",
                    order.issuerId(), order.orderId(), e.code());
            return order;
        }
        if (paid == null || !order.orderId().equals(paid.orderId()) || !order.holderId().equals(paid.holderId())
                || !order.authorisationId().equals(paid.authorisationId()) || !order.amount().equals(paid.amount())) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0}''s capture does not match order {1}; asking again on the next status query",
                    order.issuerId(), order.orderId());
            return order;
        }
        Instant now = clock.instant();
        return db.inTransaction(tx -> {
            tx.update("UPDATE shop_order SET captured_at = ?, updated_at = ? WHERE order_id = ? AND captured_at IS NULL",
                    now, now, order.orderId());
            return tx.queryOne("SELECT * FROM shop_order WHERE order_id = ?", Shop::order, order.orderId()).orElseThrow();
        });
    }

    /** After dispatch: what the courier reports about the delivery. */
    private Order track(Order order) {
        DeliveryReceipt receipt;
        try {
            receipt = partners.deliveryStatus(order.courierId(), new DeliveryQuery(order.trackingId()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "courier {0} not reached about order {1} ({2})",
                    order.courierId(), order.orderId(), e.code());
            return order;
        }
        if (!answers(order, receipt) || !order.trackingId().equals(receipt.trackingId())) {
            LOG.log(System.Logger.Level.WARNING, "courier {0}''s report does not match order {1}", order.courierId(), order.orderId());
            return order;
        }
        OrderState next = stateOf(receipt.state());
        return next == OrderState.DISPATCHED ? order : move(order, OrderState.DISPATCHED, next, null, null);
    }

    private static boolean answers(Order order, DeliveryReceipt receipt) {
        return receipt != null && receipt.state() != null && order.orderId().equals(receipt.orderId())
                && order.holderId().equals(receipt.holderId());
    }

    private static OrderState stateOf(OrderMessage.DeliveryState state) {
        return switch (state) {
            case ACCEPTED, PICKED_UP -> OrderState.DISPATCHED;
            case DELIVERED -> OrderState.DELIVERED;
            case FAILED -> OrderState.DELIVERY_FAILED;
        };
    }

    private Order decline(Order order, String reason) {
        return move(order, OrderState.AWAITING_AUTHORISATION, OrderState.DECLINED, "reason", reason);
    }

    /**
     * Moves the order from {@code from} to {@code to}, setting {@code column} (one of ours, never
     * input) to {@code value}; a no-op if the order has left {@code from} meanwhile. Returns the row as stored.
     */
    private Order move(Order order, OrderState from, OrderState to, String column, String value) {
        Instant now = clock.instant();
        return db.inTransaction(tx -> {
            if (column == null) {
                tx.update("UPDATE shop_order SET state = ?, updated_at = ? WHERE order_id = ? AND state = ?",
                        to.name(), now, order.orderId(), from.name());
            } else {
                tx.update("UPDATE shop_order SET state = ?, " + column + " = ?, updated_at = ? WHERE order_id = ? AND state = ?",
                        to.name(), value, now, order.orderId(), from.name());
            }
            return tx.queryOne("SELECT * FROM shop_order WHERE order_id = ?", Shop::order, order.orderId()).orElseThrow();
        });
    }

    /** Gives up the lease; should that fail, the lease simply runs out. */
    private void release(String orderId, String lease) {
        try {
            db.run(tx -> tx.update("UPDATE shop_order SET lease = NULL, lease_until = NULL WHERE order_id = ? AND lease = ?",
                    orderId, lease));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release the lease on order {0}; it runs out by itself", orderId);
        }
    }

    // --- storage ------------------------------------------------------------------------------

    private record OfferRow(String orderId, String items, Money amount, String issuerId, String courierId, Instant expiresAt,
                            boolean used) {
    }

    /** A stored order; {@code bundle} is the holder's encoded bundle in base64, {@code digest} its digest in hex. */
    private record Order(String orderId, String holderId, String items, Money amount, String issuerId, String courierId,
                         String digest, String bundleBase64, OrderState state, String authorisationId, String trackingId,
                         String reason, Instant placedAt, Instant updatedAt, Instant capturedAt) {
        byte[] bundle() {
            return Base64.getDecoder().decode(bundleBase64);
        }
    }

    private static Optional<OfferRow> findOffer(Tx tx, String orderId) {
        if (orderId.length() > 64) {
            return Optional.empty();
        }
        return tx.queryOne("SELECT * FROM shop_offer WHERE order_id = ?", r -> new OfferRow(r.getString("order_id"),
                r.getString("items"), Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("issuer_id"),
                r.getString("courier_id"), Tx.instant(r, "expires_at"), "USED".equals(r.getString("state"))), orderId);
    }

    private Optional<Order> find(String holderId, String orderId) {
        if (orderId == null || orderId.length() > 64) {
            return Optional.empty();
        }
        return db.inTransaction(tx -> tx.queryOne("SELECT * FROM shop_order WHERE order_id = ? AND holder_id = ?",
                Shop::order, orderId, holderId));
    }

    private static Order order(ResultSet r) throws SQLException {
        return new Order(r.getString("order_id"), r.getString("holder_id"), r.getString("items"),
                Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("issuer_id"),
                r.getString("courier_id"), r.getString("digest"), r.getString("bundle"), OrderState.valueOf(r.getString("state")),
                r.getString("authorisation_id"), r.getString("tracking_id"), r.getString("reason"),
                Tx.instant(r, "placed_at"), Tx.instant(r, "updated_at"), Tx.instant(r, "captured_at"));
    }

    private OrderStatus toStatus(Order order) {
        return new OrderStatus(order.orderId(), settings.sellerId(), order.holderId(), order.state(), order.amount(),
                order.authorisationId(), order.trackingId(), order.reason(), order.updatedAt());
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Whether the partners still have something to do for the order: authorise, deliver, or pay it. */
    private static boolean pending(Order order) {
        OrderState state = order.state();
        return state == OrderState.AWAITING_AUTHORISATION || state == OrderState.AUTHORISED || state == OrderState.DISPATCHED
                || awaitsCapture(order);
    }

    /** The courier took the order (whatever became of the delivery since) and the issuer has not paid it yet. */
    private static boolean awaitsCapture(Order order) {
        OrderState state = order.state();
        return order.capturedAt() == null
                && (state == OrderState.DISPATCHED || state == OrderState.DELIVERED || state == OrderState.DELIVERY_FAILED);
    }

    private static boolean validPartnerId(String id) {
        return id != null && PARTNER_ID.matcher(id).matches();
    }

    /** "ORD-" and 16 base32 characters: 80 random bits, so order ids cannot be guessed. */
    private static String newOrderId() {
        return RandomIds.next("ORD-", 16);
    }

    private static String newLease() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static Map<Role, List<String>> offerForm() {
        Map<Role, List<String>> form = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            form.put(role, List.copyOf(FORM.fieldsOf(role)));
        }
        return form;
    }

    private static String abbreviate(String text) {
        return abbreviate(text, 200);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static OrderException malformed(String message) {
        return OrderException.of(OrderException.MALFORMED, message);
    }

    private static OrderException replayed(String orderId) {
        return OrderException.of(OrderException.REPLAYED, "order " + orderId + " was already placed");
    }

    private static OrderException offerUnknown(String orderId) {
        return OrderException.of(OrderException.OFFER_UNKNOWN,
                "this shop has no open offer " + abbreviate(orderId, 64));
    }

    private static OrderException notFound(String orderId) {
        return OrderException.of(OrderException.NOT_FOUND,
                "no order " + (orderId == null ? "" : abbreviate(orderId, 64)) + " of yours at this shop");
    }
}
