package escudo.s4.session;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The canonical bodies of the six messages of a session (docs/s4-session.md "Messages"): what is
 * signed, and what each cryptogram holds. Each body begins with its own domain tag; a body of the
 * wrong kind, truncated or with trailing bytes is {@code s4.session-malformed}.
 */
final class Bodies {

    static final int CHALLENGE = 32;
    static final int SECRET = 32;

    private Bodies() {
    }

    /** Claims 28, 30, 31: the member's key exchange request. Identity and session key are empty when sealed into the first cryptogram. */
    record KxRequest(String providerId, int flags, byte[] identity, byte[] sessionKey, byte[] firstCryptogram, byte[] mlkemKey, String plain) {

        static final String TAG = "escudo/s4/kx-request/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(providerId).u8(flags).bytes(identity).bytes(sessionKey).bytes(firstCryptogram)
                    .bytes(mlkemKey).string(plain).toByteArray();
        }

        /** What the first cryptogram's AEAD binds besides its plaintext: every plain field of the request. */
        byte[] firstAad() {
            return CanonicalWriter.domain("escudo/s4/kx/first-aad/v1").string(providerId).u8(flags).bytes(identity).bytes(sessionKey)
                    .bytes(mlkemKey).string(plain).toByteArray();
        }

        static KxRequest decode(byte[] body) {
            return read(body, TAG, in -> new KxRequest(in.string(), in.u8(), in.bytes(), in.bytes(), in.bytes(), in.bytes(), in.string()));
        }
    }

    /** The longest sensitive note either end seals into its key exchange message (claim 32). */
    static final int MAX_NOTE = 200;

    /**
     * Claim 28's first cryptogram: the member's challenge, its public keys when it seals them (claim
     * 31), and what it tells the provider alone (claim 32), or empty.
     */
    record First(byte[] challenge, byte[] identity, byte[] sessionKey, String note) {

        static final String TAG = "escudo/s4/kx/first/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).bytes(challenge).bytes(identity).bytes(sessionKey).string(note).toByteArray();
        }

        static First decode(byte[] body) {
            First first = read(body, TAG, in -> new First(in.bytes(), in.bytes(), in.bytes(), in.string()));
            requireNote(first.note());
            return first;
        }
    }

    static void requireNote(String note) {
        if (note.length() > MAX_NOTE) {
            throw new SessionException(SessionException.MALFORMED, "a sealed note of at most " + MAX_NOTE + " characters");
        }
    }

    /** Claims 28, 33-35: the provider's key exchange reply to one member; the transaction id in plain text too (claim 35). */
    record KxReply(byte[] requestHash, String transactionId, byte[] secondCryptogram, byte[] mlkemCiphertext, String plain) {

        static final String TAG = "escudo/s4/kx-reply/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).bytes(requestHash).string(transactionId).bytes(secondCryptogram).bytes(mlkemCiphertext)
                    .string(plain).toByteArray();
        }

        byte[] secondAad() {
            return CanonicalWriter.domain("escudo/s4/kx/second-aad/v1").bytes(requestHash).string(transactionId).bytes(mlkemCiphertext)
                    .string(plain).toByteArray();
        }

        static KxReply decode(byte[] body) {
            return read(body, TAG, in -> new KxReply(in.bytes(), in.string(), in.bytes(), in.bytes(), in.string()));
        }
    }

    /**
     * Claim 28's second cryptogram: the session secret and the provider's challenge, with the answer
     * to the member's challenge (claim 33) and the transaction id (claim 34); the salt of shared keys
     * (claims 45-47, else empty); the other members' card keys (claims 48-53); and what the provider
     * tells this member alone (claim 32): the account it knows the member's card by.
     */
    record Second(byte[] secret, byte[] providerChallenge, byte[] challengeAnswer, String transactionId, byte[] sharedSalt, List<byte[]> others,
                  String knownAs) {

        static final String TAG = "escudo/s4/kx/second/v1";

        byte[] encode() {
            CanonicalWriter out = CanonicalWriter.domain(TAG).bytes(secret).bytes(providerChallenge).bytes(challengeAnswer).string(transactionId)
                    .bytes(sharedSalt).u32(others.size());
            others.forEach(out::bytes);
            return out.string(knownAs).toByteArray();
        }

        static Second decode(byte[] body) {
            return read(body, TAG, in -> {
                byte[] secret = in.bytes();
                byte[] challenge = in.bytes();
                byte[] answer = in.bytes();
                String transactionId = in.string();
                byte[] salt = in.bytes();
                long count = in.u32();
                if (count > Envelope.MAX_PARTS) {
                    throw CryptoException.malformed("too many members");
                }
                List<byte[]> others = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    others.add(in.bytes());
                }
                return new Second(secret, challenge, answer, transactionId, salt, others, in.string());
            });
        }
    }

    /** Claims 15-19: a member's transaction; the order and the answer to the provider's challenge sealed under the session key. */
    record TxRequest(String transactionId, byte[] transcript, byte[] sealed, String plain) {

        static final String TAG = "escudo/s4/tx-request/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(transactionId).bytes(transcript).bytes(sealed).string(plain).toByteArray();
        }

        static TxRequest decode(byte[] body) {
            return read(body, TAG, in -> new TxRequest(in.string(), in.bytes(), in.bytes(), in.string()));
        }
    }

    /** The sealed inside of a transaction: claim 16's order, claim 19's (the third cryptogram's) challenge answer. */
    record Sealed(Order order, byte[] challengeAnswer) {

        static final String TAG = "escudo/s4/tx-order/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(order.account()).money(order.amount()).string(order.payee()).string(order.reference())
                    .bytes(challengeAnswer).toByteArray();
        }

        static Sealed decode(byte[] body) {
            return read(body, TAG, in -> new Sealed(new Order(in.string(), in.money(), in.string(), in.string()), in.bytes()));
        }
    }

    /** Claims 20-22: the provider's reply to one member's transaction, its outcome sealed for that member. */
    record TxReply(String transactionId, byte[] transcript, byte[] sealed, String plain) {

        static final String TAG = "escudo/s4/tx-reply/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(transactionId).bytes(transcript).bytes(sealed).string(plain).toByteArray();
        }

        static TxReply decode(byte[] body) {
            return read(body, TAG, in -> new TxReply(in.string(), in.bytes(), in.bytes(), in.string()));
        }
    }

    static byte[] outcome(Outcome outcome) {
        return CanonicalWriter.domain("escudo/s4/tx-outcome/v1").string(outcome.status()).string(outcome.refusal()).money(outcome.amount())
                .string(outcome.receipt()).toByteArray();
    }

    static Outcome outcome(byte[] body) {
        return read(body, "escudo/s4/tx-outcome/v1", in -> new Outcome(in.string(), in.string(), in.money(), in.string()));
    }

    /** Claims 23-27: the member's acknowledgement, its data sealed when the member chooses (else empty). */
    record Ack(String transactionId, byte[] transcript, byte[] sealed, String plain) {

        static final String TAG = "escudo/s4/ack/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(transactionId).bytes(transcript).bytes(sealed).string(plain).toByteArray();
        }

        static Ack decode(byte[] body) {
            return read(body, TAG, in -> new Ack(in.string(), in.bytes(), in.bytes(), in.string()));
        }
    }

    /** The provider's last word: the session ended with that acknowledgement. */
    record Ended(String transactionId, byte[] transcript, String plain) {

        static final String TAG = "escudo/s4/ended/v1";

        byte[] encode() {
            return CanonicalWriter.domain(TAG).string(transactionId).bytes(transcript).string(plain).toByteArray();
        }

        static Ended decode(byte[] body) {
            return read(body, TAG, in -> new Ended(in.string(), in.bytes(), in.string()));
        }
    }

    /** What a sealed message binds besides its plaintext: its kind, transaction, transcript and plain text. */
    static byte[] aad(String tag, String transactionId, byte[] transcript, String plain) {
        return CanonicalWriter.domain(tag + "/aad").string(transactionId).bytes(transcript).string(plain).toByteArray();
    }

    private static <T> T read(byte[] body, String tag, Function<CanonicalReader, T> fields) {
        try {
            CanonicalReader in = CanonicalReader.expect(body, tag);
            T value = fields.apply(in);
            in.end();
            return value;
        } catch (CryptoException | IllegalArgumentException e) {
            throw new SessionException(SessionException.MALFORMED, "not a " + tag + " message", e);
        }
    }
}
