package escudo.s0.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.util.Objects;

/**
 * The issuer's answer to a registration (step 613 and the "exchange of public keys"): the device's
 * id, its layer order, and the registration secret sealed to the device's X25519 key, all signed
 * by the issuer so the device knows whom it registered with.
 */
public record RegistrationReceipt(String deviceId, LayerOrder order, VerifyingKey deviceKey, Bytes sealedSecret, Bytes signature) {

    static final String DOMAIN = "escudo/s0/registration-receipt/v1";
    static final String SECRET_INFO = "escudo/s0/registration-secret/v1";

    public RegistrationReceipt {
        DeviceRegistration.text(deviceId, "deviceId", 64);
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(deviceKey, "deviceKey");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
        Objects.requireNonNull(signature, "signature");
    }

    public static RegistrationReceipt issue(String deviceId, DeviceRegistration registration, byte[] secret, SigningKey issuerKey) {
        byte[] sealed = Hpke.seal(registration.sealKey().toByteArray(), SECRET_INFO, aad(deviceId, registration.deviceKey()), secret);
        byte[] signature = issuerKey.sign(signedBytes(deviceId, registration.order(), registration.deviceKey(), sealed));
        return new RegistrationReceipt(deviceId, registration.order(), registration.deviceKey(), Bytes.of(sealed), Bytes.of(signature));
    }

    /** The device checks the issuer's signature and opens the secret with its X25519 key. */
    public byte[] openSecret(VerifyingKey issuerKey, Hpke.Recipient sealKey, SecretAccess access) {
        Objects.requireNonNull(access, "access");
        try {
            issuerKey.verify(signature.toByteArray(), signedBytes(deviceId, order, deviceKey, sealedSecret.toByteArray()), "registration receipt");
            return sealKey.open(sealedSecret.toByteArray(), SECRET_INFO, aad(deviceId, deviceKey), "registration secret");
        } catch (CryptoException e) {
            throw new TradeException(TradeException.BAD_SIGNATURE,
                    "the registration receipt is not the issuer's, or not for this device");
        }
    }

    private static byte[] aad(String deviceId, VerifyingKey deviceKey) {
        return CanonicalWriter.domain(SECRET_INFO).string(deviceId).bytes(deviceKey.bytes()).toByteArray();
    }

    private static byte[] signedBytes(String deviceId, LayerOrder order, VerifyingKey deviceKey, byte[] sealed) {
        return CanonicalWriter.domain(DOMAIN).string(deviceId).string(order.name()).bytes(deviceKey.bytes()).bytes(sealed).toByteArray();
    }
}
