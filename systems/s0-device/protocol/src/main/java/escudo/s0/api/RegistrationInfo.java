package escudo.s0.api;

import escudo.core.Bytes;
import escudo.crypto.VerifyingKey;

/**
 * {@code GET /issuer/devices/registration}: what the issuer publishes for registration (seed 000,
 * the "exchange of public keys"): its id (the associated data of a sealed registration), its X25519
 * HPKE registration key (32 bytes; the device seals its registration to it) and the bank's Ed25519
 * key, which signs receipts and which the device remembers.
 *
 * <p>No checks here: the issuer builds it from its own keys, and the device, which must not trust
 * what it receives, refuses a malformed one with its own error code when it registers.
 */
public record RegistrationInfo(String issuerId, Bytes registrationKey, VerifyingKey issuerKey) {
}
