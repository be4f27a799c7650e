package escudo.s2.protocol;

import escudo.core.Text;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The derivation shared by both {@link PairwiseKeys} implementations (see there). */
final class PairKeyDerivation {

    private PairKeyDerivation() {
    }

    /** Identifiers are non-empty Unicode text of at most 256 UTF-8 bytes. */
    /** A party identifier is an id as {@link Text} defines it: it names files, URL paths and log lines too. */
    static String checkId(String id) {
        if (!Text.isId(id)) {
            throw OrderException.malformed("a party identifier is 1 to " + Text.MAX_ID_LENGTH
                    + " ASCII letters, digits or . _ : @ + -, starting with a letter or digit");
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
