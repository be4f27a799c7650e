package escudo.s0.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Seed 000, Figs. 11-14, steps 611-613: what a device sends to register, {device public key,
 * hardware serial, user information}, here with the device's X25519 key for the issuer's replies,
 * the enrolment code that proves the user, the chosen layer order, and the device's signature over
 * all of it (proof that it holds the private key). The whole is sealed with HPKE to the issuer's
 * registration key, so only the issuer learns the serial.
 */
public record DeviceRegistration(VerifyingKey deviceKey, Bytes sealKey, String serial, String customerId,
        String enrolmentCode, LayerOrder order, String label) {

    static final String DOMAIN = "escudo/s0/registration/v1";
    static final String INFO = "escudo/s0/registration/v1";

    public DeviceRegistration {
        Objects.requireNonNull(deviceKey, "deviceKey");
        if (sealKey == null || sealKey.length() != 32) {
            throw TradeException.malformed("the device's X25519 key has 32 bytes");
        }
        text(serial, "serial", 128);
        text(customerId, "customerId", 64);
        text(enrolmentCode, "enrolmentCode", 64);
        Objects.requireNonNull(order, "order");
        text(label, "label", 100);
    }

    /** The device seals its registration to the issuer (step 612). */
    public byte[] seal(SigningKey deviceSigningKey, byte[] issuerRegistrationKey, String issuerId) {
        if (!deviceSigningKey.verifyingKey().equals(deviceKey)) {
            throw TradeException.malformed("the registration must be signed with the key it registers");
        }
        byte[] content = content();
        byte[] signed = CanonicalWriter.domain(DOMAIN).bytes(content).bytes(deviceSigningKey.sign(content)).toByteArray();
        return Hpke.seal(issuerRegistrationKey, INFO, issuerId.getBytes(StandardCharsets.UTF_8), signed);
    }

    /** The issuer opens a registration (step 613) and checks the device's proof of possession. */
    public static DeviceRegistration open(byte[] sealed, Hpke.Recipient issuerRegistrationKey, String issuerId) {
        byte[] signed;
        try {
            signed = issuerRegistrationKey.open(sealed, INFO, issuerId.getBytes(StandardCharsets.UTF_8), "device registration");
        } catch (CryptoException e) {
            throw new TradeException(TradeException.SEALED_LAYER,
                    "the registration is not sealed to this issuer's registration key");
        }
        try {
            CanonicalReader outer = CanonicalReader.expect(signed, DOMAIN);
            byte[] content = outer.bytes();
            byte[] signature = outer.bytes();
            outer.end();
            CanonicalReader r = CanonicalReader.expect(content, DOMAIN);
            DeviceRegistration registration = new DeviceRegistration(VerifyingKey.of(r.bytes()), Bytes.of(r.bytes()), r.string(),
                    r.string(), r.string(), order(r.string()), r.string());
            r.end();
            registration.deviceKey().verify(signature, content, "device registration");
            return registration;
        } catch (CryptoException e) {
            throw new TradeException(TradeException.BAD_SIGNATURE,
                    "the registration is malformed or not signed by the key it registers");
        }
    }

    private byte[] content() {
        return CanonicalWriter.domain(DOMAIN).bytes(deviceKey.bytes()).bytes(sealKey).string(serial).string(customerId)
                .string(enrolmentCode).string(order.name()).string(label).toByteArray();
    }

    static LayerOrder order(String name) {
        try {
            return LayerOrder.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw TradeException.malformed("unknown layer order " + name);
        }
    }

    static String text(String value, String name, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw TradeException.malformed(name + " must be 1 to " + max + " characters");
        }
        return value;
    }

    /** Never prints the serial or the enrolment code. */
    @Override
    public String toString() {
        return "DeviceRegistration[customer=" + customerId + ", order=" + order + ", label=" + label + "]";
    }
}
