package escudo.s2.protocol;

import escudo.crypto.CanonicalWriter;
import escudo.crypto.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The derivation shared by both {@link PairwiseKeys} implementations (see there). */
final class PairKeyDerivation {

    private PairKeyDerivation() {
    }

    /** Identifiers are non-empty Unicode text of at most 256 UTF-8 bytes. */
    static String checkId(String id) {
        if (id == null || id.isBlank()) {
            throw OrderException.malformed("a party identifier must not be empty");
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 256 || !new String(utf8, StandardCharsets.UTF_8).equals(id)) {
            throw OrderException.malformed("a party identifier is at most 256 bytes of valid Unicode");
        }
        return id;
    }

    /** The common derivation, package-private so that the collusion test can run it on a recovered key. */
    static SecretBox derive(String mode, byte[] sharedSecret, String myId, String peerId, String purpose) {
        checkId(myId);
        checkId(peerId);
        if (myId.equals(peerId)) {
            throw OrderException.malformed("a party has no pairwise key with itself");
        }
        if (purpose == null || purpose.isEmpty()) {
            throw OrderException.malformed("a pairwise key needs a purpose");
        }
        byte[] a = myId.getBytes(StandardCharsets.UTF_8);
        byte[] b = peerId.getBytes(StandardCharsets.UTF_8);
        boolean mineFirst = Arrays.compareUnsigned(a, b) < 0;
        byte[] salt = CanonicalWriter.domain("escudo/s2/pair-key/v1")
                .string(mode)
                .string(mineFirst ? myId : peerId)
                .string(mineFirst ? peerId : myId)
                .string(purpose)
                .toByteArray();
        return SecretBox.derive(sharedSecret, salt, "s2/pair/" + mode + "/" + purpose);
    }
}
