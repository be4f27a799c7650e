package escudo.s4.session;

import escudo.crypto.CanonicalWriter;
import escudo.crypto.Digest;

/**
 * A member's transcript with the provider: the hash of its key exchange request, then after each
 * message SHA-256 over the hash so far and that message's part. Every later message names the hash
 * it follows and seals, signs and answers challenges over it, so no message can be moved into
 * another session or another place of its own.
 */
final class Transcript {

    private Transcript() {
    }

    static byte[] next(byte[] transcript, Part part) {
        return Digest.sha256(CanonicalWriter.domain("escudo/s4/transcript/v1").bytes(transcript).bytes(part.hash()).toByteArray());
    }
}
