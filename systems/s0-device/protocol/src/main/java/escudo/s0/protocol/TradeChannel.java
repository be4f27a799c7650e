package escudo.s0.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Seed 000, claims 3-11 and Figs. 9-10: every trade message between a registered device and the
 * issuer carries two layers.
 * <ul>
 *   <li>Symmetric layer Es: AES-256-GCM under a key derived with HKDF from the device's hardware
 *       serial AND the secret established at registration, one key per direction. A copy of the
 *       device's key pair on a machine with another serial derives another key and fails.</li>
 *   <li>Asymmetric layer Ea: towards the issuer, the device's Ed25519 signature; towards the
 *       device, HPKE sealing to the device's X25519 key.</li>
 * </ul>
 * {@link LayerOrder#SYMMETRIC_INSIDE} is Ea(Es(m)) (Fig. 9), {@link LayerOrder#ASYMMETRIC_INSIDE}
 * is Es(Ea(m)) (Fig. 10). Every layer is bound to the envelope's clear header (device id,
 * direction, counter, order). Counters are checked by the caller, which keeps them durably.
 */
public final class TradeChannel {

    static final String SIGNED_DOMAIN = "escudo/s0/signed/v1";
    static final String SIGNATURE_DOMAIN = "escudo/s0/device-signature/v1";
    static final String SEAL_INFO = "escudo/s0/to-device/v1";

    private TradeChannel() {
    }

    /** The symmetric key of one direction: HKDF-SHA256(ikm = serial ‖ secret, salt = device id). */
    static SecretBox symmetricKey(byte[] serial, byte[] registrationSecret, String deviceId, Direction direction) {
        byte[] ikm = CanonicalWriter.domain("escudo/s0/symmetric-ikm/v1").bytes(serial).bytes(registrationSecret).toByteArray();
        return SecretBox.derive(ikm, deviceId.getBytes(StandardCharsets.UTF_8), "s0/symmetric/" + direction.name());
    }

    /** The device's end: signs what it sends, opens what is sealed to it. */
    public static final class DeviceEnd {
        private final String deviceId;
        private final LayerOrder order;
        private final SigningKey deviceKey;
        private final Hpke.Recipient sealKey;
        private final SecretBox up;
        private final SecretBox down;

        public DeviceEnd(String deviceId, LayerOrder order, SigningKey deviceKey, Hpke.Recipient sealKey,
                byte[] serial, byte[] registrationSecret) {
            this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
            this.order = Objects.requireNonNull(order, "order");
            this.deviceKey = Objects.requireNonNull(deviceKey, "deviceKey");
            this.sealKey = Objects.requireNonNull(sealKey, "sealKey");
            this.up = symmetricKey(serial, registrationSecret, deviceId, Direction.TO_ISSUER);
            this.down = symmetricKey(serial, registrationSecret, deviceId, Direction.TO_DEVICE);
        }

        public TradeEnvelope seal(long counter, byte[] message) {
            byte[] header = TradeEnvelope.header(deviceId, Direction.TO_ISSUER, counter, order);
            byte[] body = switch (order) {
                case SYMMETRIC_INSIDE -> signed(header, up.seal(message, header));
                case ASYMMETRIC_INSIDE -> up.seal(signed(header, message), header);
            };
            return new TradeEnvelope(deviceId, Direction.TO_ISSUER, counter, order, Bytes.of(body));
        }

        public byte[] open(TradeEnvelope envelope) {
            byte[] header = checkHeader(envelope, deviceId, Direction.TO_DEVICE, order);
            return switch (order) {
                case SYMMETRIC_INSIDE -> openSymmetric(down, unseal(envelope.body().toByteArray(), header), header);
                case ASYMMETRIC_INSIDE -> unseal(openSymmetric(down, envelope.body().toByteArray(), header), header);
            };
        }

        private byte[] signed(byte[] header, byte[] content) {
            byte[] signature = deviceKey.sign(signatureInput(header, content));
            return CanonicalWriter.domain(SIGNED_DOMAIN).bytes(content).bytes(signature).toByteArray();
        }

        private byte[] unseal(byte[] sealed, byte[] header) {
            try {
                return sealKey.open(sealed, SEAL_INFO, header, "trade message");
            } catch (CryptoException e) {
                throw new TradeException(TradeException.SEALED_LAYER,
                        "the message sealed to this device does not open with its private key");
            }
        }
    }

    /** The issuer's end: verifies the device's signature, seals to the device's key. */
    public static final class IssuerEnd {
        private final String deviceId;
        private final LayerOrder order;
        private final VerifyingKey deviceKey;
        private final byte[] deviceSealKey;
        private final SecretBox up;
        private final SecretBox down;

        public IssuerEnd(String deviceId, LayerOrder order, VerifyingKey deviceKey, byte[] deviceSealKey,
                byte[] serial, byte[] registrationSecret) {
            this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
            this.order = Objects.requireNonNull(order, "order");
            this.deviceKey = Objects.requireNonNull(deviceKey, "deviceKey");
            this.deviceSealKey = deviceSealKey.clone();
            this.up = symmetricKey(serial, registrationSecret, deviceId, Direction.TO_ISSUER);
            this.down = symmetricKey(serial, registrationSecret, deviceId, Direction.TO_DEVICE);
        }

        public byte[] open(TradeEnvelope envelope) {
            byte[] header = checkHeader(envelope, deviceId, Direction.TO_ISSUER, order);
            return switch (order) {
                case SYMMETRIC_INSIDE -> openSymmetric(up, verified(envelope.body().toByteArray(), header), header);
                case ASYMMETRIC_INSIDE -> verified(openSymmetric(up, envelope.body().toByteArray(), header), header);
            };
        }

        public TradeEnvelope seal(long counter, byte[] message) {
            byte[] header = TradeEnvelope.header(deviceId, Direction.TO_DEVICE, counter, order);
            byte[] body = switch (order) {
                case SYMMETRIC_INSIDE -> Hpke.seal(deviceSealKey, SEAL_INFO, header, down.seal(message, header));
                case ASYMMETRIC_INSIDE -> down.seal(Hpke.seal(deviceSealKey, SEAL_INFO, header, message), header);
            };
            return new TradeEnvelope(deviceId, Direction.TO_DEVICE, counter, order, Bytes.of(body));
        }

        private byte[] verified(byte[] signed, byte[] header) {
            byte[] content;
            byte[] signature;
            try {
                CanonicalReader r = CanonicalReader.expect(signed, SIGNED_DOMAIN);
                content = r.bytes();
                signature = r.bytes();
                r.end();
                deviceKey.verify(signature, signatureInput(header, content), "trade message");
            } catch (CryptoException e) {
                throw new TradeException(TradeException.BAD_SIGNATURE,
                        "the trade message is not signed by device " + deviceId + "'s registered key");
            }
            return content;
        }
    }

    private static byte[] signatureInput(byte[] header, byte[] content) {
        return CanonicalWriter.domain(SIGNATURE_DOMAIN).bytes(header).bytes(content).toByteArray();
    }

    private static byte[] openSymmetric(SecretBox key, byte[] sealed, byte[] header) {
        try {
            return key.open(sealed, header, "trade message");
        } catch (CryptoException e) {
            throw new TradeException(TradeException.SYMMETRIC_LAYER,
                    "the symmetric layer does not open: another hardware serial, another registration, or altered bytes");
        }
    }

    private static byte[] checkHeader(TradeEnvelope envelope, String deviceId, Direction direction, LayerOrder order) {
        if (!envelope.deviceId().equals(deviceId)) {
            throw new TradeException(TradeException.WRONG_DEVICE,
                    "message for device " + envelope.deviceId() + " presented to device " + deviceId);
        }
        if (envelope.direction() != direction) {
            throw new TradeException(TradeException.WRONG_DIRECTION, "message travels " + envelope.direction());
        }
        if (envelope.order() != order) {
            throw new TradeException(TradeException.WRONG_ORDER,
                    "device " + deviceId + " registered layer order " + order + ", not " + envelope.order());
        }
        return envelope.header();
    }
}
