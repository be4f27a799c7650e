package escudo.s4.session;

import escudo.crypto.CanonicalWriter;
import escudo.crypto.Digest;

/**
 * The answers to the two challenges (claims 14, 28): keyed MACs over the transcript, so an answer
 * proves the answering end opened the cryptogram that carried the challenge, in this session only.
 */
final class Challenges {

    private Challenges() {
    }

    /** The provider's answer to the member's challenge (claim 33): HMAC keyed by the challenge, over the request's hash. */
    static byte[] memberChallengeAnswer(byte[] memberChallenge, byte[] requestHash) {
        return Digest.hmacSha256(memberChallenge, CanonicalWriter.domain("escudo/s4/member-challenge-answer/v1").bytes(requestHash).toByteArray());
    }

    /** The member's answer to the provider's challenge (claims 19, 28): under the session's challenge key, over the challenge and the transcript. */
    static byte[] providerChallengeAnswer(SessionKeys keys, byte[] providerChallenge, byte[] transcript) {
        return keys.challenges().tag(CanonicalWriter.domain("escudo/s4/provider-challenge-answer/v1").bytes(providerChallenge).bytes(transcript)
                .toByteArray());
    }
}
