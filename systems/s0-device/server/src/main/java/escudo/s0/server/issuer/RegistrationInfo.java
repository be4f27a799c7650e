package escudo.s0.server.issuer;

import escudo.crypto.VerifyingKey;

/**
 * What the trade centre publishes for registration (seed 000, the "exchange of public keys"): the
 * issuer's id (the associated data of a sealed registration), its X25519 registration key (32
 * bytes; devices seal their registration to it) and the bank's Ed25519 key, which signs receipts.
 */
public record RegistrationInfo(String issuerId, byte[] registrationKey, VerifyingKey issuerKey) {

    public RegistrationInfo {
        registrationKey = registrationKey.clone();
    }

    @Override
    public byte[] registrationKey() {
        return registrationKey.clone();
    }
}
