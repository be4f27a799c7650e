package escudo.s4.session;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * A message on its way to the provider (claims 38-47): one member's part, or a participant's
 * combination of what reached it (from one previous member in series, from several X(j,k) in a
 * hierarchy) with its own part, signed by the participant over exactly that. A router forwards an
 * envelope as it came: it can read nothing in it, and any change breaks a signature.
 */
public sealed interface Envelope {

    /**
     * At most this many parts in one message, and as deep (a series of as many members): a bound on
     * the provider's work per request and on its reply, which grows with the square of the members
     * as each learns the others' keys (over 100 kB for 32 members with hybrid keys).
     */
    int MAX_PARTS = 32;
    int MAX_DEPTH = MAX_PARTS;

    String TAG = "escudo/s4/envelope/v1";

    /** One member's part, as the first member of a path sends it. */
    record Single(Part part) implements Envelope {
    }

    /**
     * A participant's combination: {@code children} as they reached it, in the order it lists them,
     * its {@code own} part, and its card's signature over {@link #signedBytes}.
     */
    record Combined(List<Envelope> children, Part own, byte[] signature) implements Envelope {

        public Combined {
            children = List.copyOf(children);
            if (children.isEmpty()) {
                throw new SessionException(SessionException.MALFORMED, "a combination combines at least one message");
            }
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** What the participant signs: its own part and each child, in order. */
        public static byte[] signedBytes(List<Envelope> children, Part own) {
            CanonicalWriter out = CanonicalWriter.domain("escudo/s4/combined/v1").bytes(own.hash()).u32(children.size());
            children.forEach(child -> out.bytes(Digest.sha256(child.encode())));
            return out.toByteArray();
        }
    }

    /** A participant combines what reached it with its own part and signs exactly that with its card (claims 38, 41, 43). */
    static Combined combine(List<Envelope> children, Part own, Signer card) {
        return new Combined(children, own, CardSignatures.sign(card, Combined.signedBytes(children, own)));
    }

    /** Every member's own part in the envelope, the participant before its children, depth first. */
    default List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        collect(this, parts);
        return parts;
    }

    private static void collect(Envelope envelope, List<Part> parts) {
        switch (envelope) {
            case Single single -> parts.add(single.part());
            case Combined combined -> {
                parts.add(combined.own());
                combined.children().forEach(child -> collect(child, parts));
            }
        }
    }

    default byte[] encode() {
        CanonicalWriter out = CanonicalWriter.domain(TAG);
        write(this, out);
        return out.toByteArray();
    }

    private static void write(Envelope envelope, CanonicalWriter out) {
        switch (envelope) {
            case Single single -> out.u8(1).bytes(single.part().encode());
            case Combined combined -> {
                out.u8(2).bytes(combined.own().encode()).bytes(combined.signature()).u32(combined.children().size());
                combined.children().forEach(child -> out.bytes(child.encode()));
            }
        }
    }

    static Envelope decode(byte[] encoded) {
        Envelope envelope = decode(encoded, 0);
        if (envelope.parts().size() > MAX_PARTS) {
            throw new SessionException(SessionException.MALFORMED, "more than " + MAX_PARTS + " parts in one message");
        }
        return envelope;
    }

    private static Envelope decode(byte[] encoded, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SessionException(SessionException.MALFORMED, "a message nested deeper than " + MAX_DEPTH);
        }
        try {
            CanonicalReader in = CanonicalReader.expect(encoded, TAG);
            Envelope envelope = switch (in.u8()) {
                case 1 -> new Single(Part.decode(in.bytes()));
                case 2 -> {
                    Part own = Part.decode(in.bytes());
                    byte[] signature = in.bytes();
                    long count = in.u32();
                    if (count < 1 || count > MAX_PARTS) {
                        throw new SessionException(SessionException.MALFORMED, "a combination of 1 to " + MAX_PARTS + " messages");
                    }
                    List<Envelope> children = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        children.add(decode(in.bytes(), depth + 1));
                    }
                    yield new Combined(children, own, signature);
                }
                default -> throw new SessionException(SessionException.MALFORMED, "no such envelope");
            };
            in.end();
            return envelope;
        } catch (CryptoException e) {
            throw new SessionException(SessionException.MALFORMED, "not an S4 session message", e);
        }
    }
}
