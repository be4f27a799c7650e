package escudo.s4.session;

import java.security.interfaces.ECPublicKey;

/**
 * A member's key on its card (a record of key type ECDSA P-256, part 1): the terminal hands it the
 * SHA-256 of what the member signs and gets the DER signature back; the private key stays on the card.
 */
public interface Signer {

    ECPublicKey publicKey();

    /** The ECDSA P-256 signature (DER) over {@code sha256}, the SHA-256 of the signed bytes. */
    byte[] sign(byte[] sha256);
}
