package escudo.s4.session;

import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.s4.protocol.P256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The service provider's end of the session protocol (seed 004, claims 13-53), without storage: it
 * opens and checks every part of a message, whether one member's or a combination of many, and
 * answers with one combined reply that mirrors the message's tree. Its host keeps the
 * {@link MemberState}s it returns, in the same database transaction as whatever the orders move.
 */
public final class Provider {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final SigningKey signing;
    private final Hpke.Recipient sealing;

    public Provider(String id, SigningKey signing, Hpke.Recipient sealing) {
        this.id = id;
        this.signing = signing;
        this.sealing = sealing;
    }

    public ProviderKeys keys() {
        return new ProviderKeys(id, signing.verifyingKey(), sealing.publicKey());
    }

    /** What one message did: the members' states to keep, and the combined reply to send back. */
    public record Exchange(List<MemberState> states, ReplyTree reply) {
    }

    /** One member's order as the provider opened it, for its host to carry out. */
    public record Ordered(MemberState member, Order order) {
    }

    /**
     * Claims 13-14, 28-38, 41, 43, 45-53: opens every member's request (first cryptogram, card
     * signature, each participant's signature over what it combined), knows each member by its card
     * key ({@code customerOf}, which refuses unknown ones), and answers each with a fresh transaction
     * id, its own challenge and the session secret sealed to that member's session key.
     */
    public Exchange keyExchange(Envelope envelope, String sessionId, Supplier<String> transactionIds, Function<ECPublicKey, String> customerOf) {
        Map<Part, KxOpened> opened = new IdentityHashMap<>();
        for (Part part : envelope.parts()) {
            opened.put(part, openKeyExchange(part, customerOf));
        }
        verifyCombinations(envelope, part -> opened.get(part).identity());
        List<KxOpened> members = envelope.parts().stream().map(opened::get).toList();
        boolean shared = members.getFirst().options().sharedKey();
        Set<String> identities = new HashSet<>();
        for (KxOpened member : members) {
            if (member.options().sharedKey() != shared) {
                throw new SessionException(SessionException.INCOMPLETE, "the members of one session ask for different key modes");
            }
            if (!identities.add(Arrays.toString(member.identityBytes()))) {
                throw new SessionException(SessionException.INCOMPLETE, "one card key twice in one session");
            }
        }
        byte[] sharedSecret = random(Bodies.SECRET);
        byte[] sharedSalt = shared ? sharedSalt(members) : new byte[0];
        Map<Part, Part> replies = new IdentityHashMap<>();
        List<MemberState> states = new ArrayList<>();
        for (KxOpened member : members) {
            String transactionId = transactionIds.get();
            byte[] secret = shared ? sharedSecret : random(Bodies.SECRET);
            byte[] providerChallenge = random(Bodies.CHALLENGE);
            List<byte[]> others = members.stream().filter(m -> m != member).map(KxOpened::identityBytes).toList();
            byte[] inner = new Bodies.Second(secret, providerChallenge, Challenges.memberChallengeAnswer(member.challenge(), member.requestHash()),
                    transactionId, sharedSalt, others, member.customerId()).encode();
            byte[] mlkemCiphertext = new byte[0];
            MlKem.Encapsulated pq = null;
            if (member.options().hybrid()) {
                pq = MlKem.encapsulate(member.request().mlkemKey());
                mlkemCiphertext = pq.ciphertext();
            }
            String plain = "session " + sessionId + ", " + members.size() + (members.size() == 1 ? " member" : " members");
            Bodies.KxReply unsealed = new Bodies.KxReply(member.requestHash(), transactionId, new byte[0], mlkemCiphertext, plain);
            if (pq != null) {
                inner = SecretBox.derive(pq.secret(), member.requestHash(), MemberSession.HYBRID_PURPOSE).seal(inner, unsealed.secondAad());
            }
            byte[] second = sealTo(member.sessionKey(), unsealed.secondAad(), inner);
            Part reply = signed(Phase.KEY_EXCHANGE, new Bodies.KxReply(member.requestHash(), transactionId, second, mlkemCiphertext, plain).encode());
            replies.put(member.part(), reply);
            byte[] transcript = Transcript.next(member.requestHash(), reply);
            states.add(new MemberState(sessionId, transactionId, members.size(), member.customerId(), member.identityBytes(), secret,
                    shared ? sharedSalt : transcript, providerChallenge, transcript, Phase.TRANSACTION, member.requestHash(), member.note()));
        }
        return new Exchange(states, tree(envelope, replies));
    }

    /**
     * Claims 15-22, 39, 42, 44: checks every member's transaction against its state (the transcript
     * it follows, its card's signature, the answer to the provider's challenge) and that the message
     * holds every member of one session once; {@code carryOut} moves the money, all or nothing, and
     * says each member's outcome, sealed into its reply.
     */
    public Exchange transaction(Envelope envelope, Function<String, MemberState> stateOf, Function<List<Ordered>, List<Outcome>> carryOut) {
        Map<Part, MemberState> known = session(envelope, Phase.TRANSACTION, stateOf);
        Map<Part, SessionKeys> keysOf = new IdentityHashMap<>();
        List<Ordered> orders = new ArrayList<>();
        for (Part part : envelope.parts()) {
            MemberState member = known.get(part);
            Bodies.TxRequest tx = Bodies.TxRequest.decode(part.body());
            SessionKeys keys = SessionKeys.derive(member.secret(), member.salt());
            keysOf.put(part, keys);
            Bodies.Sealed sealed;
            try {
                sealed = Bodies.Sealed.decode(keys.memberToProvider().open(tx.sealed(), Bodies.aad(Bodies.TxRequest.TAG, tx.transactionId(),
                        tx.transcript(), tx.plain()), "the order"));
            } catch (CryptoException e) {
                throw new SessionException(SessionException.CHALLENGE_FAILED, "the transaction is not sealed under its session's key", e);
            }
            if (!MessageDigest.isEqual(Challenges.providerChallengeAnswer(keys, member.providerChallenge(), member.transcript()),
                    sealed.challengeAnswer())) {
                throw new SessionException(SessionException.CHALLENGE_FAILED, "the transaction does not answer the provider's challenge");
            }
            orders.add(new Ordered(member, sealed.order()));
        }
        List<Outcome> outcomes = carryOut.apply(List.copyOf(orders));
        Map<Part, Part> replies = new IdentityHashMap<>();
        List<MemberState> states = new ArrayList<>();
        List<Part> parts = envelope.parts();
        for (int i = 0; i < parts.size(); i++) {
            MemberState member = known.get(parts.get(i));
            byte[] transcript = Transcript.next(member.transcript(), parts.get(i));
            String plain = outcomes.get(i).status();
            byte[] sealed = keysOf.get(parts.get(i)).providerToMember().seal(Bodies.outcome(outcomes.get(i)),
                    Bodies.aad(Bodies.TxReply.TAG, member.transactionId(), transcript, plain));
            Part reply = signed(Phase.TRANSACTION, new Bodies.TxReply(member.transactionId(), transcript, sealed, plain).encode());
            replies.put(parts.get(i), reply);
            states.add(member.after(Transcript.next(transcript, reply), Phase.ACKNOWLEDGEMENT));
        }
        return new Exchange(states, tree(envelope, replies));
    }

    /** Claims 23-27, 40: every member's acknowledgement, checked as a transaction is; the session ends and its keys open nothing more. */
    public Exchange acknowledgement(Envelope envelope, Function<String, MemberState> stateOf) {
        Map<Part, MemberState> known = session(envelope, Phase.ACKNOWLEDGEMENT, stateOf);
        Map<Part, Part> replies = new IdentityHashMap<>();
        List<MemberState> states = new ArrayList<>();
        for (Part part : envelope.parts()) {
            MemberState member = known.get(part);
            Bodies.Ack ack = Bodies.Ack.decode(part.body());
            if (ack.sealed().length > 0) {
                try {
                    new String(SessionKeys.derive(member.secret(), member.salt()).memberToProvider().open(ack.sealed(),
                            Bodies.aad(Bodies.Ack.TAG, ack.transactionId(), ack.transcript(), ack.plain()), "the acknowledgement"), StandardCharsets.UTF_8);
                } catch (CryptoException e) {
                    throw new SessionException(SessionException.CHALLENGE_FAILED, "the acknowledgement is not sealed under its session's key", e);
                }
            }
            byte[] transcript = Transcript.next(member.transcript(), part);
            Part reply = signed(Phase.ACKNOWLEDGEMENT, new Bodies.Ended(member.transactionId(), transcript, "ended").encode());
            replies.put(part, reply);
            states.add(member.after(Transcript.next(transcript, reply), null));
        }
        return new Exchange(states, tree(envelope, replies));
    }

    private record KxOpened(Part part, Bodies.KxRequest request, SessionOptions options, byte[] challenge, byte[] identityBytes, ECPublicKey identity,
                            byte[] sessionKey, String customerId, byte[] requestHash, String note) {
    }

    private KxOpened openKeyExchange(Part part, Function<ECPublicKey, String> customerOf) {
        if (part.phase() != Phase.KEY_EXCHANGE) {
            throw new SessionException(SessionException.OUT_OF_ORDER, "a key exchange holds key exchange requests only");
        }
        Bodies.KxRequest request = Bodies.KxRequest.decode(part.body());
        if (!request.providerId().equals(id)) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the request is for another provider");
        }
        if (request.flags() > 7 || request.mlkemKey().length > MlKem.MAX_LENGTH) {
            throw new SessionException(SessionException.MALFORMED, "unknown options in the request");
        }
        SessionOptions options = new SessionOptions((request.flags() & 1) != 0, (request.flags() & 2) != 0, (request.flags() & 4) != 0);
        Bodies.First first;
        try {
            first = Bodies.First.decode(sealing.open(request.firstCryptogram(), MemberSession.FIRST_INFO, request.firstAad(), "the first cryptogram"));
        } catch (CryptoException e) {
            throw new SessionException(SessionException.MALFORMED, "the first cryptogram does not open under this provider's key", e);
        }
        byte[] identityBytes = options.sealKeys() ? first.identity() : request.identity();
        byte[] sessionKey = options.sealKeys() ? first.sessionKey() : request.sessionKey();
        byte[] unused = options.sealKeys() ? concat(request.identity(), request.sessionKey()) : concat(first.identity(), first.sessionKey());
        if (first.challenge().length != Bodies.CHALLENGE || sessionKey.length != 32 || unused.length != 0
                || options.hybrid() != (request.mlkemKey().length > 0)) {
            throw new SessionException(SessionException.MALFORMED, "the request's fields have the wrong lengths");
        }
        ECPublicKey identity;
        try {
            identity = P256.decode(identityBytes);
        } catch (IllegalArgumentException e) {
            throw new SessionException(SessionException.MALFORMED, "the member's card key is not a P-256 point", e);
        }
        CardSignatures.verify(identity, part.body(), part.signature(), "the key exchange request");
        return new KxOpened(part, request, options, first.challenge(), identityBytes, identity, sessionKey, customerOf.apply(identity), part.hash(),
                first.note());
    }

    /** The states of the members of a transaction or acknowledgement, each checked; one session, every member once. */
    private Map<Part, MemberState> session(Envelope envelope, Phase phase, Function<String, MemberState> stateOf) {
        Map<Part, MemberState> known = new IdentityHashMap<>();
        Set<String> seen = new HashSet<>();
        String sessionId = null;
        for (Part part : envelope.parts()) {
            if (part.phase() != phase) {
                throw new SessionException(SessionException.OUT_OF_ORDER, "a " + phase + " holds " + phase + " parts only");
            }
            String transactionId;
            byte[] follows;
            if (phase == Phase.TRANSACTION) {
                Bodies.TxRequest tx = Bodies.TxRequest.decode(part.body());
                transactionId = tx.transactionId();
                follows = tx.transcript();
            } else {
                Bodies.Ack ack = Bodies.Ack.decode(part.body());
                transactionId = ack.transactionId();
                follows = ack.transcript();
            }
            MemberState member = stateOf.apply(transactionId);
            if (member.next() == null) {
                throw new SessionException(SessionException.ENDED, "the session ended: its keys open nothing more");
            }
            if (member.next().ordinal() > phase.ordinal()) {
                throw new SessionException(SessionException.REPLAYED, "the " + phase + " of that transaction was received already");
            }
            if (member.next() != phase || !MessageDigest.isEqual(member.transcript(), follows)) {
                throw new SessionException(SessionException.OUT_OF_ORDER, "the message does not follow the session's last one");
            }
            CardSignatures.verify(P256.decode(member.identity()), part.body(), part.signature(), "the " + phase);
            if (sessionId != null && !sessionId.equals(member.sessionId()) || !seen.add(transactionId)) {
                throw new SessionException(SessionException.INCOMPLETE, "one message carries one session's members, each once");
            }
            sessionId = member.sessionId();
            known.put(part, member);
        }
        if (known.size() != known.values().iterator().next().members()) {
            throw new SessionException(SessionException.INCOMPLETE, "the session's members are not all in the message");
        }
        verifyCombinations(envelope, part -> P256.decode(known.get(part).identity()));
        return known;
    }

    /** Each participant's signature covers exactly what it combined: its own part and its children, in its order. */
    private static void verifyCombinations(Envelope envelope, Function<Part, ECPublicKey> keyOf) {
        if (envelope instanceof Envelope.Combined combined) {
            CardSignatures.verify(keyOf.apply(combined.own()), Envelope.Combined.signedBytes(combined.children(), combined.own()),
                    combined.signature(), "a participant's combination");
            combined.children().forEach(child -> verifyCombinations(child, keyOf));
        }
    }

    /** The combined reply, shaped as the message: each node's own reply, its children's trees, all signed (claims 38, 41). */
    private ReplyTree tree(Envelope envelope, Map<Part, Part> replies) {
        return switch (envelope) {
            case Envelope.Single single -> signedTree(replies.get(single.part()), List.of());
            case Envelope.Combined combined -> signedTree(replies.get(combined.own()),
                    combined.children().stream().map(child -> tree(child, replies)).toList());
        };
    }

    private ReplyTree signedTree(Part own, List<ReplyTree> children) {
        return new ReplyTree(own, children, signing.sign(ReplyTree.signedBytes(own, children)));
    }

    private Part signed(Phase phase, byte[] body) {
        return new Part(phase, body, signing.sign(body));
    }

    private static byte[] sealTo(byte[] sessionKey, byte[] aad, byte[] inner) {
        try {
            return Hpke.seal(sessionKey, MemberSession.SECOND_INFO, aad, inner);
        } catch (CryptoException e) {
            throw new SessionException(SessionException.MALFORMED, "the member's session key is not an X25519 key", e);
        }
    }

    private static byte[] sharedSalt(List<KxOpened> members) {
        CanonicalWriter out = CanonicalWriter.domain("escudo/s4/shared-salt/v1").u32(members.size());
        members.forEach(m -> out.bytes(m.requestHash()));
        return Digest.sha256(out.toByteArray());
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
