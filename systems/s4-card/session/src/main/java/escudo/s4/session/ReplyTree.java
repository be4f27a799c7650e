package escudo.s4.session;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.VerifyingKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The provider's one combined answer (claims 38, 41-47): for the envelope it answers, the reply to
 * that envelope's own member and a tree for each child in the same order, the whole signed by the
 * provider. Each hop takes its own reply and passes each child's tree back the way that child came.
 */
public record ReplyTree(Part own, List<ReplyTree> children, byte[] signature) {

    private static final String TAG = "escudo/s4/reply-tree/v1";

    public ReplyTree {
        children = List.copyOf(children);
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** What the provider signs: the own reply and each child tree, in order. */
    public static byte[] signedBytes(Part own, List<ReplyTree> children) {
        CanonicalWriter out = CanonicalWriter.domain("escudo/s4/combined-reply/v1").bytes(own.hash()).u32(children.size());
        children.forEach(child -> out.bytes(Digest.sha256(child.encode())));
        return out.toByteArray();
    }

    /**
     * Refuses a tree the provider did not sign as it is, or that answers another number of messages
     * than the {@code sent} this hop combined: a hop splits only what the provider said.
     */
    public void verify(VerifyingKey provider, int sent) {
        if (children.size() != sent) {
            throw new SessionException(SessionException.REPLY_INCOMPLETE, "the reply answers " + children.size() + " messages, not the " + sent + " sent");
        }
        try {
            provider.verify(signature, signedBytes(own, children), "the provider's combined reply");
        } catch (CryptoException e) {
            throw new SessionException(SessionException.PROVIDER_NOT_AUTHENTIC, "the combined reply is not the provider's as it signed it");
        }
    }

    public byte[] encode() {
        CanonicalWriter out = CanonicalWriter.domain(TAG).bytes(own.encode()).bytes(signature).u32(children.size());
        children.forEach(child -> out.bytes(child.encode()));
        return out.toByteArray();
    }

    public static ReplyTree decode(byte[] encoded) {
        return decode(encoded, 0);
    }

    private static ReplyTree decode(byte[] encoded, int depth) {
        if (depth > Envelope.MAX_DEPTH) {
            throw new SessionException(SessionException.MALFORMED, "a reply nested deeper than " + Envelope.MAX_DEPTH);
        }
        try {
            CanonicalReader in = CanonicalReader.expect(encoded, TAG);
            Part own = Part.decode(in.bytes());
            byte[] signature = in.bytes();
            long count = in.u32();
            if (count > Envelope.MAX_PARTS) {
                throw new SessionException(SessionException.MALFORMED, "a reply to more than " + Envelope.MAX_PARTS + " messages");
            }
            List<ReplyTree> children = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                children.add(decode(in.bytes(), depth + 1));
            }
            in.end();
            return new ReplyTree(own, children, signature);
        } catch (CryptoException e) {
            throw new SessionException(SessionException.MALFORMED, "not an S4 combined reply", e);
        }
    }
}
