package escudo.s0.device;

import escudo.s0.protocol.LayerOrder;

/**
 * What a wallet can tell about itself without secrets. Before registration {@code deviceId},
 * {@code issuerId}, {@code order}, {@code customerId} and {@code label} are null.
 *
 * @param nextOutgoing the counter the next trade message will carry (1 for the first)
 * @param lastIncoming the counter of the last accepted issuer answer (0 before any)
 */
public record WalletStatus(String deviceId, String issuerId, LayerOrder order, boolean registered,
        long nextOutgoing, long lastIncoming, String customerId, String label) {
}
