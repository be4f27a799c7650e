package escudo.s4.session;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;

/**
 * One party's own message of a phase: a member's request, transaction or acknowledgement signed by
 * its card key, or the provider's reply to one member signed by the provider. Its hash extends that
 * member's transcript ({@link Transcript}).
 */
public record Part(Phase phase, byte[] body, byte[] signature) {

    private static final String TAG = "escudo/s4/part/v1";

    public Part {
        body = body.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public byte[] encode() {
        return CanonicalWriter.domain(TAG).u8(phase.code()).bytes(body).bytes(signature).toByteArray();
    }

    public byte[] hash() {
        return Digest.sha256(encode());
    }

    public static Part decode(byte[] encoded) {
        try {
            CanonicalReader in = CanonicalReader.expect(encoded, TAG);
            Part part = new Part(Phase.of(in.u8()), in.bytes(), in.bytes());
            in.end();
            return part;
        } catch (CryptoException e) {
            throw new SessionException(SessionException.MALFORMED, "not a part of an S4 session message", e);
        }
    }
}
