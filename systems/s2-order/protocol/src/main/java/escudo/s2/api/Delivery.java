package escudo.s2.api;

import escudo.s2.protocol.OrderMessage;
import java.time.Instant;
import java.util.Objects;

/**
 * What the courier records of one delivery: it knows contact and destination, never the card.
 * {@code parcel} is the seller's instruction of what to carry; {@code pickedUpAt} is when the
 * courier took it from the seller, null while it never had it.
 */
public record Delivery(String trackingId, String orderId, String holderId, String sellerId, String contact, String destination,
                       String parcel, OrderMessage.DeliveryState state, Instant createdAt, Instant updatedAt,
                       Instant pickedUpAt) {

    public Delivery {
        Objects.requireNonNull(trackingId, "trackingId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(holderId, "holderId");
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(parcel, "parcel");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** What the seller is told: tracking id, state and pickup, never the destination. */
    public OrderMessage.DeliveryReceipt receipt() {
        return new OrderMessage.DeliveryReceipt(trackingId, orderId, holderId, state, updatedAt, pickedUpAt);
    }

    /** Contact and destination are the holder's personal data: kept out of logs. */
    @Override
    public String toString() {
        return "Delivery[" + trackingId + ", order " + orderId + " of " + holderId + " from " + sellerId + ", " + state
                + ", contact and destination hidden]";
    }
}
