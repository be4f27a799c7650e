package escudo.s2.api;

import escudo.core.Bytes;
import escudo.crypto.VerifyingKey;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderMessage;
import java.util.List;

/** The JSON bodies of the S2 routes that are not flow messages themselves (docs/api.md). */
public final class OrderApi {

    private OrderApi() {
    }

    /** {@code GET /issuer/directory/{id}}: a party's public keys. */
    public record DirectoryEntry(String id, Bytes x25519PublicKey, VerifyingKey verifyingKey) {

        public static DirectoryEntry of(KeyDirectory.Entry entry) {
            return new DirectoryEntry(entry.id(), entry.x25519PublicKey(), entry.verifyingKey());
        }

        public KeyDirectory.Entry entry() {
            return new KeyDirectory.Entry(id, x25519PublicKey, verifyingKey);
        }
    }

    /** {@code POST /issuer/directory} (bank desk): a party's keys and its Ed25519 signature over them. */
    public record Registration(String id, Bytes x25519PublicKey, VerifyingKey verifyingKey, Bytes proof) {
    }

    /** {@code POST /issuer/payment-cards} (bank desk): a debit card on the customer's current account. */
    public record IssuePaymentCard(String customerId) {
    }

    /** {@code GET /merchant/shop/catalogue}. */
    public record Catalogue(String sellerId, List<OrderMessage.Item> items) {
    }

    /** {@code GET /courier}. */
    public record CourierInfo(String courierId) {
    }

    /** {@code GET /courier/deliveries} (courier desk). */
    public record Deliveries(List<escudo.s2.api.Delivery> deliveries) {
    }

    /** {@code POST /courier/deliveries/{trackingId}/status} (courier desk). */
    public record Advance(OrderMessage.DeliveryState state) {
    }
}
