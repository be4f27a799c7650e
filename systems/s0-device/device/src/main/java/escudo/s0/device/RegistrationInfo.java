package escudo.s0.device;

import escudo.crypto.VerifyingKey;
import java.util.Objects;

/**
 * What the issuer publishes for registration (seed 000, the "exchange of public keys"): its id,
 * its X25519 HPKE registration key (the device seals its registration to it) and the bank's
 * Ed25519 key (the device checks the receipt with it, and remembers it).
 */
public record RegistrationInfo(String issuerId, byte[] registrationKey, VerifyingKey issuerKey) {

    public RegistrationInfo {
        if (issuerId == null || issuerId.isBlank() || issuerId.length() > 64) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH, "issuerId must be 1 to 64 characters");
        }
        if (registrationKey == null || registrationKey.length != 32) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH, "the issuer's X25519 registration key has 32 bytes");
        }
        registrationKey = registrationKey.clone();
        Objects.requireNonNull(issuerKey, "issuerKey");
    }

    @Override
    public byte[] registrationKey() {
        return registrationKey.clone();
    }
}
