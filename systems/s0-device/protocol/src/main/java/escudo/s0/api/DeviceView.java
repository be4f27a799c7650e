package escudo.s0.api;

import escudo.crypto.VerifyingKey;
import escudo.s0.protocol.LayerOrder;
import java.time.Instant;

/**
 * What the bank shows of a registered device: never its hardware serial or registration secret.
 * {@code lastCounterFromDevice} is the highest counter accepted from it, {@code lastCounterToDevice}
 * the counter of the last answer sealed to it; {@code revokedAt} is null while it is active.
 */
public record DeviceView(String deviceId, String customerId, String label, LayerOrder order, VerifyingKey deviceKey,
        DeviceStatus status, long lastCounterFromDevice, long lastCounterToDevice, Instant createdAt, Instant revokedAt) {
}
