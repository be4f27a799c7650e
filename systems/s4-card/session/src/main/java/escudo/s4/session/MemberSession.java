package escudo.s4.session;

import escudo.crypto.CryptoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.s4.protocol.P256;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Objects;

/**
 * A member's end of one session with a provider (seed 004, claims 13-37), driven by its terminal:
 * the key exchange request, then the transaction, then the acknowledgement, each checked against
 * the provider's signed reply before the next. The card's record key signs every message; the key
 * the provider seals the session to is made fresh for this session (claim 29) and lives only here.
 * Not thread-safe: one terminal drives one session.
 */
public final class MemberSession {

    static final String FIRST_INFO = "escudo/s4/kx/first-cryptogram";
    static final String SECOND_INFO = "escudo/s4/kx/second-cryptogram";
    static final String HYBRID_PURPOSE = "s4/kx/hybrid";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProviderKeys provider;
    private final Signer card;
    private final SessionOptions options;
    private final Hpke.Recipient sessionKey = Hpke.Recipient.generate();
    private final KeyPair mlkem;
    private final byte[] challenge = new byte[Bodies.CHALLENGE];
    private final Part request;
    private byte[] transcript;
    private Phase next = Phase.KEY_EXCHANGE;
    private String transactionId;
    private SessionKeys keys;
    private byte[] providerChallenge;
    private List<ECPublicKey> others = List.of();
    private String knownAs;

    private MemberSession(ProviderKeys provider, Signer card, SessionOptions options, String plain, String note) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.card = Objects.requireNonNull(card, "card");
        this.options = Objects.requireNonNull(options, "options");
        this.mlkem = options.hybrid() ? MlKem.generate() : null;
        RANDOM.nextBytes(challenge);
        byte[] identity = P256.encode(card.publicKey());
        byte[] none = new byte[0];
        Bodies.KxRequest unsealed = new Bodies.KxRequest(provider.providerId(), flags(options), options.sealKeys() ? none : identity,
                options.sealKeys() ? none : sessionKey.publicKey(), none, mlkem == null ? none : mlkem.getPublic().getEncoded(), plain);
        Bodies.requireNote(note);
        Bodies.First first = new Bodies.First(challenge, options.sealKeys() ? identity : none, options.sealKeys() ? sessionKey.publicKey() : none,
                note);
        byte[] cryptogram = Hpke.seal(provider.sealing(), FIRST_INFO, unsealed.firstAad(), first.encode());
        byte[] body = new Bodies.KxRequest(unsealed.providerId(), unsealed.flags(), unsealed.identity(), unsealed.sessionKey(), cryptogram,
                unsealed.mlkemKey(), plain).encode();
        this.request = new Part(Phase.KEY_EXCHANGE, body, CardSignatures.sign(card, body));
        this.transcript = request.hash();
    }

    /** Claim 28: a member challenge sealed to the provider (the first cryptogram), the member's keys, signed by the card. */
    public static MemberSession start(ProviderKeys provider, Signer card, SessionOptions options, String plain) {
        return start(provider, card, options, plain, "");
    }

    /** The same, with {@code note} sealed into the first cryptogram for the provider alone (claim 32). */
    public static MemberSession start(ProviderKeys provider, Signer card, SessionOptions options, String plain, String note) {
        return new MemberSession(provider, card, options, plain, note);
    }

    static int flags(SessionOptions options) {
        return (options.sharedKey() ? 1 : 0) | (options.hybrid() ? 2 : 0) | (options.sealKeys() ? 4 : 0);
    }

    /** The key exchange request, to send (alone or combined by the next member). */
    public Part request() {
        return request;
    }

    /**
     * The provider's key exchange reply to this member (claim 28): signed by the provider, for this
     * request, the second cryptogram opening under this session's key, the member's challenge
     * answered. From here the session keys hold.
     */
    public void keyed(Part reply) {
        expect(Phase.KEY_EXCHANGE, reply);
        Bodies.KxReply kx = Bodies.KxReply.decode(reply.body());
        requireFollows(kx.requestHash());
        byte[] inner;
        try {
            inner = sessionKey.open(kx.secondCryptogram(), SECOND_INFO, kx.secondAad(), "the second cryptogram");
            if (mlkem != null) {
                byte[] pq = MlKem.decapsulate(mlkem.getPrivate(), kx.mlkemCiphertext());
                inner = SecretBox.derive(pq, transcript, HYBRID_PURPOSE).open(inner, kx.secondAad(), "the hybrid second cryptogram");
            }
        } catch (CryptoException e) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the second cryptogram does not open under this session's key", e);
        }
        Bodies.Second second = Bodies.Second.decode(inner);
        if (!second.transactionId().equals(kx.transactionId())) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the sealed and the plain transaction ids differ");
        }
        if (!MessageDigest.isEqual(Challenges.memberChallengeAnswer(challenge, transcript), second.challengeAnswer())) {
            throw new SessionException(SessionException.CHALLENGE_FAILED, "the provider did not answer this member's challenge");
        }
        if (second.secret().length != Bodies.SECRET || second.providerChallenge().length != Bodies.CHALLENGE
                || second.sharedSalt().length != (options.sharedKey() ? 32 : 0)) {
            throw new SessionException(SessionException.MALFORMED, "the second cryptogram's fields have the wrong lengths");
        }
        try {
            others = second.others().stream().map(P256::decode).toList();
        } catch (IllegalArgumentException e) {
            throw new SessionException(SessionException.MALFORMED, "another member's key is not a P-256 point", e);
        }
        transcript = Transcript.next(transcript, reply);
        keys = SessionKeys.derive(second.secret(), options.sharedKey() ? second.sharedSalt() : transcript);
        providerChallenge = second.providerChallenge();
        transactionId = kx.transactionId();
        knownAs = second.knownAs();
        next = Phase.TRANSACTION;
    }

    /**
     * Claims 15-19: the transaction, its order and the answer to the provider's challenge (the third
     * cryptogram) sealed under the session key, the transaction id and plain text beside them, signed by the card.
     */
    public Part transaction(Order order, String plain) {
        requireNext(Phase.TRANSACTION);
        byte[] answer = Challenges.providerChallengeAnswer(keys, providerChallenge, transcript);
        byte[] sealed = keys.memberToProvider().seal(new Bodies.Sealed(order, answer).encode(),
                Bodies.aad(Bodies.TxRequest.TAG, transactionId, transcript, plain));
        return sent(Phase.TRANSACTION, new Bodies.TxRequest(transactionId, transcript, sealed, plain).encode());
    }

    /** Claims 20-22: the provider's signed reply to this member's transaction, its outcome sealed for this member. */
    public Outcome outcome(Part reply) {
        expect(Phase.TRANSACTION, reply);
        Bodies.TxReply tx = Bodies.TxReply.decode(reply.body());
        requireFollows(tx.transactionId(), tx.transcript());
        Outcome outcome;
        try {
            outcome = Bodies.outcome(keys.providerToMember().open(tx.sealed(), Bodies.aad(Bodies.TxReply.TAG, transactionId, transcript, tx.plain()),
                    "the transaction's outcome"));
        } catch (CryptoException e) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the outcome does not open under this session's key", e);
        }
        transcript = Transcript.next(transcript, reply);
        next = Phase.ACKNOWLEDGEMENT;
        return outcome;
    }

    /** Claims 23-27: the acknowledgement, signed by the card; {@code sealedData}, when not null, sealed for the provider alone. */
    public Part acknowledgement(String sealedData, String plain) {
        requireNext(Phase.ACKNOWLEDGEMENT);
        byte[] sealed = sealedData == null ? new byte[0] : keys.memberToProvider().seal(sealedData.getBytes(StandardCharsets.UTF_8),
                Bodies.aad(Bodies.Ack.TAG, transactionId, transcript, plain));
        return sent(Phase.ACKNOWLEDGEMENT, new Bodies.Ack(transactionId, transcript, sealed, plain).encode());
    }

    /** The provider's signed word that the session ended: its keys are dropped here too. */
    public void ended(Part reply) {
        expect(Phase.ACKNOWLEDGEMENT, reply);
        Bodies.Ended ended = Bodies.Ended.decode(reply.body());
        requireFollows(ended.transactionId(), ended.transcript());
        transcript = Transcript.next(transcript, reply);
        keys = null;
        next = null;
    }

    public String transactionId() {
        return transactionId;
    }

    /** The account the provider knows this member's card by, as it told this member alone (claim 32). */
    public String knownAs() {
        return knownAs;
    }

    /** The card keys of the session's other members, as the provider gave them (claims 48-53). */
    public List<ECPublicKey> others() {
        return others;
    }

    public SessionOptions options() {
        return options;
    }

    /** Opens another member's sealed order with the session's shared key (claims 45-47); with keys of one's own it reads nothing. */
    public Order read(Part othersTransaction) {
        if (keys == null) {
            throw new SessionException(next == null ? SessionException.ENDED : SessionException.OUT_OF_ORDER, "the session holds no keys now");
        }
        if (!options.sharedKey()) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "each member of this session has a key of its own");
        }
        Bodies.TxRequest tx = Bodies.TxRequest.decode(othersTransaction.body());
        try {
            return Bodies.Sealed.decode(keys.memberToProvider().open(tx.sealed(), Bodies.aad(Bodies.TxRequest.TAG, tx.transactionId(),
                    tx.transcript(), tx.plain()), "another member's order")).order();
        } catch (CryptoException e) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "another member's order is sealed under another session's key", e);
        }
    }

    private Part sent(Phase phase, byte[] body) {
        Part part = new Part(phase, body, CardSignatures.sign(card, body));
        transcript = Transcript.next(transcript, part);
        return part;
    }

    private void expect(Phase phase, Part reply) {
        requireNext(phase);
        if (reply.phase() != phase) {
            throw new SessionException(SessionException.OUT_OF_ORDER, "a reply of another phase");
        }
        try {
            provider.signing().verify(reply.signature(), reply.body(), "the provider's reply");
        } catch (CryptoException e) {
            throw new SessionException(SessionException.PROVIDER_NOT_AUTHENTIC, "the reply is not signed by " + provider.providerId());
        }
    }

    private void requireNext(Phase phase) {
        if (next == null) {
            throw new SessionException(SessionException.ENDED, "the session ended");
        }
        if (next != phase) {
            throw new SessionException(SessionException.OUT_OF_ORDER, "the session expects its " + next + " now");
        }
    }

    private void requireFollows(byte[] followed) {
        if (!MessageDigest.isEqual(transcript, followed)) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the reply answers another member's message");
        }
    }

    private void requireFollows(String replyTransactionId, byte[] followed) {
        if (!transactionId.equals(replyTransactionId)) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the reply is for another transaction");
        }
        requireFollows(followed);
    }
}
