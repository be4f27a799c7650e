package escudo.s4.session;

import escudo.crypto.Digest;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

/** ECDSA P-256 with SHA-256, as a card record signs (part 1): the card signs the digest, anyone verifies the bytes. */
final class CardSignatures {

    private CardSignatures() {
    }

    static byte[] sign(Signer card, byte[] message) {
        return card.sign(Digest.sha256(message));
    }

    static void verify(ECPublicKey key, byte[] message, byte[] signature, String what) {
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(message);
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            valid = false; // a signature that is not DER verifies nothing
        }
        if (!valid) {
            throw new SessionException(SessionException.BAD_SIGNATURE, what + ": the signature does not verify under the member's card key");
        }
    }
}
