package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The messages of the S2 flow (seed 002, Fig. 1): holder → seller → issuer, seller → courier.
 * Everything but the {@link Offer} travels inside a {@link PartyChannel} request of the
 * {@link Kind} that names its body and answer, so each hop is between two confirmed parties.
 * The bundle is always the holder's {@link SplitOrder.Sealed#encode() encoded} bundle, forwarded
 * whole: each party opens its own part and checks the digest over all of them.
 */
public sealed interface OrderMessage {

    /** What the channel carries: the request kind on the wire, its body type and its answer type. */
    enum Kind {
        /** Holder → seller: place the order. */
        PLACE_ORDER("place-order", Placement.class, OrderStatus.class),
        /** Holder → seller: where is my order. */
        ORDER_STATUS("order-status", StatusQuery.class, OrderStatus.class),
        /** Seller → issuer: authorise the amount (the issuer holds it on the holder's account). */
        AUTHORISE("authorise", AuthorisationRequest.class, Authorisation.class),
        /** Seller → issuer: capture an authorised amount once the courier has the parcel. */
        CAPTURE("capture", CaptureRequest.class, Capture.class),
        /** Seller → issuer: release an authorisation it will never capture (the issuer voids the hold). */
        RELEASE("release", ReleaseRequest.class, Release.class),
        /** Seller → courier: deliver this order. */
        DELIVER("deliver", DeliveryRequest.class, DeliveryReceipt.class),
        /** Seller → courier: where is this delivery. */
        DELIVERY_STATUS("delivery-status", DeliveryQuery.class, DeliveryReceipt.class);

        private final String wireName;
        private final Class<? extends OrderMessage> body;
        private final Class<? extends OrderMessage> answer;

        Kind(String wireName, Class<? extends OrderMessage> body, Class<? extends OrderMessage> answer) {
            this.wireName = wireName;
            this.body = body;
            this.answer = answer;
        }

        public String wireName() {
            return wireName;
        }

        public Class<? extends OrderMessage> body() {
            return body;
        }

        public Class<? extends OrderMessage> answer() {
            return answer;
        }

        /** The kind with this wire name, or {@code order.malformed}. */
        public static Kind of(String wireName) {
            return Arrays.stream(values()).filter(k -> k.wireName.equals(wireName)).findFirst()
                    .orElseThrow(() -> OrderException.malformed("unknown request kind '" + wireName + "'"));
        }
    }

    /** One line of the seller's catalogue or of an offer. */
    record Item(String sku, String name, long quantity, Money unitPrice) {
        public Item {
            Objects.requireNonNull(sku, "sku");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unitPrice, "unitPrice");
            if (quantity < 1) {
                throw OrderException.malformed("an item's quantity is at least 1");
            }
        }

        public Money total() {
            return unitPrice.times(quantity);
        }
    }

    /** What the shopper asks an offer for: catalogue numbers and quantities. */
    record Basket(List<Line> lines) implements OrderMessage {
        public Basket {
            lines = List.copyOf(lines);
        }

        public record Line(String sku, long quantity) {
        }
    }

    /**
     * The seller's order form for one basket (seed 002: "the data of the order form have been sent
     * from the seller to the card holder"): the order id, the parties and which fields each one
     * receives, the items and the amount due, and until when the offer holds. The holder fills
     * {@link SplitOrder.Role#SELLER}'s {@code items} and {@code amount} with {@link #itemsText()}
     * and {@code amount.toString()}.
     */
    record Offer(String orderId, String sellerId, String issuerId, String courierId, List<Item> items, Money amount,
                 Map<SplitOrder.Role, List<String>> form, Instant expiresAt) implements OrderMessage {
        public Offer {
            items = List.copyOf(items);
            Map<SplitOrder.Role, List<String>> copy = new EnumMap<>(SplitOrder.Role.class);
            form.forEach((role, fields) -> copy.put(role, List.copyOf(fields)));
            form = Map.copyOf(copy);
        }

        /** The order form as {@link SplitOrder.Form} (which enforces who may see card and destination). */
        public SplitOrder.Form splitForm() {
            Map<SplitOrder.Role, java.util.SortedSet<String>> fields = new EnumMap<>(SplitOrder.Role.class);
            form.forEach((role, names) -> {
                java.util.SortedSet<String> set = new java.util.TreeSet<>(SplitOrder.UTF8_ORDER);
                set.addAll(names);
                fields.put(role, set);
            });
            return new SplitOrder.Form(fields);
        }

        /** The {@code items} field both seller and holder write ({@link OrderPart.SellerPart#itemsText}). */
        public String itemsText() {
            return itemsText(items);
        }

        public static String itemsText(List<Item> items) {
            return OrderPart.SellerPart.itemsText(items.stream().map(i -> new Basket.Line(i.sku(), i.quantity())).toList());
        }
    }

    /** Holder → seller ({@link Kind#PLACE_ORDER}); the sender must be the bundle's holder. */
    record Placement(Bytes bundle) implements OrderMessage {
        public Placement {
            Objects.requireNonNull(bundle, "bundle");
        }
    }

    /** Holder → seller ({@link Kind#ORDER_STATUS}); only the order's holder gets an answer. */
    record StatusQuery(String orderId) implements OrderMessage {
    }

    /** Where an order stands, as the seller tells its holder. */
    enum OrderState {
        /** Received and checked by the seller; the issuer has not answered yet (asked again on the next status query). */
        AWAITING_AUTHORISATION,
        /** The issuer declined; nothing was charged and nothing will be delivered. */
        DECLINED,
        /** Authorised, the amount held; the courier has not taken the order yet (asked again on the next status query). */
        AUTHORISED,
        /** The courier accepted the delivery; once it reports the parcel picked up, the seller captures the amount. */
        DISPATCHED,
        /** The courier reports the goods delivered; the amount is captured. */
        DELIVERED,
        /**
         * The courier reports that delivery failed: after it had the parcel, the amount is captured
         * (the goods left the shop); before, the seller releases the hold and the holder has it back.
         */
        DELIVERY_FAILED
    }

    /** The seller's answer to the holder. {@code reason} is the decline code, if any. */
    record OrderStatus(String orderId, String sellerId, String holderId, OrderState state, Money amount,
                       String authorisationId, String trackingId, String reason, Instant updatedAt) implements OrderMessage {
    }

    /** Seller → issuer ({@link Kind#AUTHORISE}): the bundle and the amount the seller's part says. */
    record AuthorisationRequest(Bytes bundle, Money amount) implements OrderMessage {
        public AuthorisationRequest {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(amount, "amount");
        }
    }

    enum Decision { APPROVED, DECLINED }

    /**
     * The issuer's answer: for the order (id, holder, bundle digest), approved with the amount
     * held for the seller and an authorisation id, or declined with a reason code ({@code order.card-declined},
     * {@code order.insufficient-funds}, {@code order.amount-mismatch}) and a detail.
     */
    record Authorisation(String orderId, String holderId, Bytes digest, Decision decision, Money amount,
                         String authorisationId, String reason, String detail) implements OrderMessage {
        public Authorisation {
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** Seller → issuer ({@link Kind#CAPTURE}): pay me the amount held under this authorisation. */
    record CaptureRequest(String orderId, String holderId, String authorisationId) implements OrderMessage {
        public CaptureRequest {
            Objects.requireNonNull(orderId, "orderId");
            Objects.requireNonNull(holderId, "holderId");
            Objects.requireNonNull(authorisationId, "authorisationId");
        }
    }

    /** The issuer's answer to a capture: the held amount was paid into the seller's deposit account (once). */
    record Capture(String orderId, String holderId, String authorisationId, Money amount, Instant capturedAt)
            implements OrderMessage {
    }

    /**
     * Seller → issuer ({@link Kind#RELEASE}): I will never capture this authorisation (the delivery
     * failed before the courier had the parcel); give the holder the held amount back.
     */
    record ReleaseRequest(String orderId, String holderId, String authorisationId) implements OrderMessage {
        public ReleaseRequest {
            Objects.requireNonNull(orderId, "orderId");
            Objects.requireNonNull(holderId, "holderId");
            Objects.requireNonNull(authorisationId, "authorisationId");
        }
    }

    /** The issuer's answer to a release: the hold is void (released now, or expired before), nothing moved. */
    record Release(String orderId, String holderId, String authorisationId, Money amount, Instant releasedAt)
            implements OrderMessage {
    }

    /** Seller → courier ({@link Kind#DELIVER}): the bundle and what to carry (the seller's instructions). */
    record DeliveryRequest(Bytes bundle, String parcel) implements OrderMessage {
        public DeliveryRequest {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(parcel, "parcel");
        }
    }

    /** Seller → courier ({@link Kind#DELIVERY_STATUS}). */
    record DeliveryQuery(String trackingId) implements OrderMessage {
    }

    enum DeliveryState { ACCEPTED, PICKED_UP, DELIVERED, FAILED }

    /**
     * The courier's answer: the delivery's tracking id and state, never the destination.
     * {@code pickedUpAt} is when the courier took the parcel from the seller, null while it never
     * had it: a delivery that failed says so, whether the goods had left the shop.
     */
    record DeliveryReceipt(String trackingId, String orderId, String holderId, DeliveryState state, Instant updatedAt,
                           Instant pickedUpAt) implements OrderMessage {
    }
}
