package escudo.s0.device;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.s0.protocol.LayerOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the wallet remembers, immutable: an operation builds the next state, persists it, and
 * only then makes it current, so a failed write leaves the wallet as it was.
 *
 * <p>Plaintext encoding, domain {@value #DOMAIN}, fields in this order:
 * <pre>
 *   bytes  Ed25519 private key seed (32), the device key
 *   bytes  X25519 private key (32, clamped), the device's seal key
 *   u8     registered (0 or 1)
 *   if 1:  string device id
 *          string issuer id
 *          bytes  issuer (bank) Ed25519 key (32)
 *          string layer order (SYMMETRIC_INSIDE or ASYMMETRIC_INSIDE)
 *          bytes  registration secret (16 to 64 bytes)
 *          string customer id
 *          string label
 *          i64    next outgoing counter (&ge; 1)
 *          i64    last incoming counter (&ge; 0)
 * </pre>
 * Nothing follows the last field. The hardware serial is not part of the state: it is the key.
 */
record DeviceState(SigningKey deviceKey, Hpke.Recipient sealKey, Registration registration) {

    static final String DOMAIN = "escudo/s0/device-state/v1";

    /** What registration established, and the two counters; printing it shows the secret's length only ({@link Bytes}). */
    record Registration(String deviceId, String issuerId, VerifyingKey issuerKey, LayerOrder order, Bytes secret,
            String customerId, String label, long nextOutgoing, long lastIncoming) {

        Registration {
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(issuerId, "issuerId");
            Objects.requireNonNull(issuerKey, "issuerKey");
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(label, "label");
            if (secret == null || secret.length() < 16 || secret.length() > 64) {
                throw new IllegalArgumentException("the registration secret has 16 to 64 bytes");
            }
            if (nextOutgoing < 1 || lastIncoming < 0) {
                throw new IllegalArgumentException("counters out of range");
            }
        }

        Registration withNextOutgoing(long next) {
            return new Registration(deviceId, issuerId, issuerKey, order, secret, customerId, label, next, lastIncoming);
        }

        Registration withLastIncoming(long last) {
            return new Registration(deviceId, issuerId, issuerKey, order, secret, customerId, label, nextOutgoing, last);
        }
    }

    DeviceState {
        Objects.requireNonNull(deviceKey, "deviceKey");
        Objects.requireNonNull(sealKey, "sealKey");
    }

    static DeviceState fresh() {
        return new DeviceState(SigningKey.generate(), Hpke.Recipient.generate(), null);
    }

    boolean registered() {
        return registration != null;
    }

    DeviceState with(Registration next) {
        return new DeviceState(deviceKey, sealKey, next);
    }

    byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN)
                .bytes(deviceKey.seed(SecretAccess.forSealedStorage()))
                .bytes(sealKey.privateKey(SecretAccess.forSealedStorage()));
        if (registration == null) {
            return w.u8(0).toByteArray();
        }
        Registration r = registration;
        return w.u8(1)
                .string(r.deviceId())
                .string(r.issuerId())
                .bytes(r.issuerKey().bytes())
                .string(r.order().name())
                .bytes(r.secret)
                .string(r.customerId())
                .string(r.label())
                .i64(r.nextOutgoing())
                .i64(r.lastIncoming())
                .toByteArray();
    }

    /** Parses what {@link #encode()} wrote; any deviation is an exception (the caller reports it as corrupt). */
    static DeviceState decode(byte[] plaintext) {
        CanonicalReader r = CanonicalReader.expect(plaintext, DOMAIN);
        byte[] seed = r.bytes();
        byte[] sealPrivate = r.bytes();
        SigningKey deviceKey;
        Hpke.Recipient sealKey;
        try {
            deviceKey = SigningKey.fromSeed(seed);
            sealKey = Hpke.Recipient.fromPrivateKey(sealPrivate);
            // X25519 clamps any 32 bytes into a key: only the clamped form the device writes is a state
            byte[] written = sealKey.privateKey(SecretAccess.forSealedStorage());
            boolean clamped = Arrays.equals(written, sealPrivate);
            Arrays.fill(written, (byte) 0);
            if (!clamped) {
                throw new IllegalArgumentException("device state out of range");
            }
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(sealPrivate, (byte) 0);
        }
        int registered = r.u8();
        if (registered == 0) {
            r.end();
            return new DeviceState(deviceKey, sealKey, null);
        }
        if (registered != 1) {
            throw new IllegalArgumentException("device state out of range");
        }
        String deviceId = r.string();
        String issuerId = r.string();
        VerifyingKey issuerKey = VerifyingKey.of(r.bytes());
        LayerOrder order = LayerOrder.valueOf(r.string());
        byte[] secret = r.bytes();
        try {
            Registration registration = new Registration(deviceId, issuerId, issuerKey, order, Bytes.of(secret), r.string(), r.string(),
                    r.i64(), r.i64());
            r.end();
            return new DeviceState(deviceKey, sealKey, registration);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Never shows a key or the secret. */
    @Override
    public String toString() {
        return "DeviceState(" + deviceKey.verifyingKey() + ", " + (registration == null ? "unregistered" : registration) + ")";
    }
}
