package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.SecretBox;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Claim 7 of seed 002: "each of said parties communicates with other parties to which the
 * encrypted order data are to be transmitted prior to the transmission ... for thereby confirming
 * the other parties". Two parties confirm each other with the key they share
 * ({@link PairwiseKeys}, purpose {@value #PURPOSE}), so the same exchange works in both key modes:
 *
 * <pre>
 * sender   -> receiver  Hello(from, to, n_s)                              n_s: 32 random bytes
 * receiver -> sender    Challenge(n_r, proof = seal("", ad(HELLO, from, to, n_s, n_r)))
 *          n_r = expiry (8) ‖ random (8) ‖ HMAC(receiver's secret, from, to, n_s, expiry, random)[:16]
 *          sender opens the proof: only the holder of the pairwise key made it -> receiver confirmed
 * sender   -> receiver  Request(from, to, kind, n_s, n_r, seal(body, ad(REQUEST, from, to, kind, n_s, n_r)))
 *          receiver checks its MAC in n_r and the expiry (2 minutes), opens: sender confirmed,
 *          body authentic; only then it records n_r as spent (single use)
 * receiver -> sender    Reply(seal(answer, ad(REPLY, from, to, kind, n_s, n_r)))
 * </pre>
 *
 * Every associated data starts with its own domain tag and names both parties in direction, so
 * no proof, request or reply can be reflected or reused as another. A hello leaves no state at the
 * receiver (the challenge carries its own MAC), so unauthenticated hellos cannot fill its memory or
 * crowd out other senders; the receiver remembers only the challenges that authenticated requests
 * spent, until they expire. A request whose challenge is not the receiver's, was issued for
 * another sender or hello, has expired or was spent is {@code order.challenge-unknown}: a replayed
 * request changes nothing. A proof, request or reply that does not open is
 * {@code order.party-unauthenticated}. The bodies are the callers' (JSON in the nodes); the channel
 * also keeps them confidential between the two.
 */
public final class PartyChannel {

    public static final int NONCE_LENGTH = 32;
    static final String PURPOSE = "s2/party-channel/v1";
    static final String HELLO_TAG = "escudo/s2/channel-hello/v1";
    static final String REQUEST_TAG = "escudo/s2/channel-request/v1";
    static final String REPLY_TAG = "escudo/s2/channel-reply/v1";
    static final String CHALLENGE_TAG = "escudo/s2/channel-challenge/v1";
    /** How long a challenge may wait for its request. */
    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(2);
    private static final int MAC_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PartyChannel() {
    }

    /** The sender's opening: who it is, whom it wants, and its fresh nonce. */
    public record Hello(String from, String to, Bytes nonce) {
        public Hello {
            PairKeyDerivation.checkId(from);
            PairKeyDerivation.checkId(to);
            checkNonce(nonce);
        }
    }

    /** The receiver's answer to a hello: its own nonce and the proof that it holds the pairwise key. */
    public record Challenge(Bytes nonce, Bytes proof) {
        public Challenge {
            checkNonce(nonce);
            Objects.requireNonNull(proof, "proof");
        }
    }

    /**
     * One authenticated request of {@code kind}: the sender's hello nonce and the receiver's
     * challenge {@code nonce} it answers, and the sealed body.
     */
    public record Request(String from, String to, String kind, Bytes senderNonce, Bytes nonce, Bytes sealed) {
        public Request {
            PairKeyDerivation.checkId(from);
            PairKeyDerivation.checkId(to);
            if (kind == null || kind.isBlank()) {
                throw OrderException.malformed("a channel request names its kind");
            }
            checkNonce(senderNonce);
            checkNonce(nonce);
            Objects.requireNonNull(sealed, "sealed");
        }
    }

    /** The receiver's sealed answer to a request. */
    public record Reply(Bytes sealed) {
        public Reply {
            Objects.requireNonNull(sealed, "sealed");
        }
    }

    /**
     * Confirms {@code peer} before anything is sent: says hello through {@code transport} (which
     * carries it to the peer and brings back its challenge) and checks the proof. Fails with
     * {@code order.party-unauthenticated} when whoever answered does not hold the key shared with
     * {@code peer}, {@code order.unknown-party} when no key with {@code peer} can be derived.
     */
    public static Session confirm(PairwiseKeys me, String peer, Function<Hello, Challenge> transport) {
        SecretBox key = me.pairKey(peer, PURPOSE);
        Bytes senderNonce = nonce();
        Challenge challenge = transport.apply(new Hello(me.myId(), peer, senderNonce));
        try {
            key.open(challenge.proof.toByteArray(), ad(HELLO_TAG, me.myId(), peer, null, senderNonce, challenge.nonce), "challenge proof");
        } catch (CryptoException e) {
            throw unauthenticated("the party answering for " + peer + " could not prove it is " + peer);
        }
        return new Session(me.myId(), peer, key, senderNonce, challenge.nonce);
    }

    /** A confirmed peer, good for one request and its reply. */
    public static final class Session {
        private final String me;
        private final String peer;
        private final SecretBox key;
        private final Bytes senderNonce;
        private final Bytes receiverNonce;
        private String kind;

        private Session(String me, String peer, SecretBox key, Bytes senderNonce, Bytes receiverNonce) {
            this.me = me;
            this.peer = peer;
            this.key = key;
            this.senderNonce = senderNonce;
            this.receiverNonce = receiverNonce;
        }

        public String peer() {
            return peer;
        }

        /** Seals {@code body} as the one request of this session. */
        public synchronized Request request(String kind, byte[] body) {
            if (this.kind != null) {
                throw new IllegalStateException("a session carries one request; confirm the peer again");
            }
            new Request(me, peer, kind, senderNonce, receiverNonce, Bytes.EMPTY); // checks kind before anything is sealed
            this.kind = kind;
            return new Request(me, peer, kind, senderNonce, receiverNonce,
                    Bytes.of(key.seal(body, ad(REQUEST_TAG, me, peer, kind, senderNonce, receiverNonce))));
        }

        /** Opens the peer's reply to this session's request. */
        public synchronized byte[] open(Reply reply) {
            if (kind == null) {
                throw new IllegalStateException("no request was sent in this session");
            }
            try {
                return key.open(reply.sealed.toByteArray(), ad(REPLY_TAG, me, peer, kind, senderNonce, receiverNonce), "reply");
            } catch (CryptoException e) {
                throw unauthenticated("the reply to " + kind + " did not come from " + peer + " or was altered");
            }
        }
    }

    /**
     * The receiving side of one party: hands out challenges and opens requests. A challenge is
     * checked by its own MAC under a secret drawn when the receiver is made, so a restart only
     * makes senders say hello again. Thread-safe.
     */
    public static final class Receiver {
        private final PairwiseKeys me;
        private final Clock clock;
        private final byte[] challengeKey = new byte[32];
        /** Challenges spent by authenticated requests, until they expire (epoch seconds). */
        private final Map<Bytes, Long> spent = new ConcurrentHashMap<>();
        private final AtomicLong nextSweep = new AtomicLong();

        public Receiver(PairwiseKeys me, Clock clock) {
            this.me = Objects.requireNonNull(me, "me");
            this.clock = Objects.requireNonNull(clock, "clock");
            RANDOM.nextBytes(challengeKey);
        }

        public String myId() {
            return me.myId();
        }

        /** Answers a hello addressed to this party: a fresh, self-authenticating nonce and the proof of the pairwise key. */
        public Challenge challenge(Hello hello) {
            if (!hello.to().equals(me.myId())) {
                throw OrderException.wrongRecipient("this is " + me.myId() + ", not " + hello.to());
            }
            SecretBox key = me.pairKey(hello.from(), PURPOSE);
            long expiry = clock.instant().plus(CHALLENGE_LIFETIME).getEpochSecond();
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            Bytes receiverNonce = Bytes.of(ByteBuffer.allocate(NONCE_LENGTH).putLong(expiry).put(random)
                    .put(mac(hello.from(), hello.nonce, expiry, random)).array());
            return new Challenge(receiverNonce,
                    Bytes.of(key.seal(new byte[0], ad(HELLO_TAG, hello.from(), me.myId(), null, hello.nonce, receiverNonce))));
        }

        /**
         * Opens a request: its challenge must be one this party issued for this sender and hello,
         * unexpired and not spent, and the body must open under the key shared with the sender.
         * The challenge is spent once the request authenticated, so a forged request cannot burn it.
         * The sender named in the result is authenticated.
         */
        public Received receive(Request request) {
            if (!request.to().equals(me.myId())) {
                throw OrderException.wrongRecipient("this is " + me.myId() + ", not " + request.to());
            }
            ByteBuffer nonce = ByteBuffer.wrap(request.nonce.toByteArray());
            long expiry = nonce.getLong();
            byte[] random = new byte[8];
            nonce.get(random);
            byte[] tag = new byte[MAC_LENGTH];
            nonce.get(tag);
            long now = clock.instant().getEpochSecond();
            if (!MessageDigest.isEqual(tag, mac(request.from(), request.senderNonce, expiry, random)) || now >= expiry) {
                throw challengeUnknown();
            }
            SecretBox key = me.pairKey(request.from(), PURPOSE);
            byte[] body;
            try {
                body = key.open(request.sealed.toByteArray(), ad(REQUEST_TAG, request.from(), me.myId(), request.kind(), request.senderNonce,
                        request.nonce), "request");
            } catch (CryptoException e) {
                throw unauthenticated("the request did not come from " + request.from() + " or was altered");
            }
            sweep(now);
            if (spent.putIfAbsent(request.nonce, expiry) != null) {
                throw challengeUnknown();
            }
            return new Received(request.from(), request.kind(), body, key, request.senderNonce, request.nonce, me.myId());
        }

        private byte[] mac(String from, Bytes senderNonce, long expiry, byte[] random) {
            byte[] full = Digest.hmacSha256(challengeKey, CanonicalWriter.domain(CHALLENGE_TAG).string(from).string(me.myId())
                    .bytes(senderNonce).i64(expiry).bytes(random).toByteArray());
            return Arrays.copyOf(full, MAC_LENGTH);
        }

        /** Forgets spent challenges once they expired (they would be refused as expired anyway). */
        private void sweep(long now) {
            long due = nextSweep.get();
            if (now >= due && nextSweep.compareAndSet(due, now + CHALLENGE_LIFETIME.toSeconds())) {
                spent.values().removeIf(expiry -> expiry <= now);
            }
        }

        private OrderException challengeUnknown() {
            return new OrderException(OrderException.CHALLENGE_UNKNOWN,
                    "the request answers no open challenge of " + me.myId() + " (replayed, expired or never issued)");
        }
    }

    /** An authenticated request as the receiver sees it; {@link #reply} seals the answer for the sender. */
    public static final class Received {
        private final String from;
        private final String kind;
        private final byte[] body;
        private final SecretBox key;
        private final Bytes senderNonce;
        private final Bytes receiverNonce;
        private final String me;

        private Received(String from, String kind, byte[] body, SecretBox key, Bytes senderNonce, Bytes receiverNonce,
                         String me) {
            this.from = from;
            this.kind = kind;
            this.body = body;
            this.key = key;
            this.senderNonce = senderNonce;
            this.receiverNonce = receiverNonce;
            this.me = me;
        }

        /** The authenticated sender. */
        public String from() {
            return from;
        }

        public String kind() {
            return kind;
        }

        public byte[] body() {
            return body.clone();
        }

        public Reply reply(byte[] answer) {
            return new Reply(Bytes.of(key.seal(answer, ad(REPLY_TAG, from, me, kind, senderNonce, receiverNonce))));
        }
    }

    private static OrderException unauthenticated(String message) {
        return new OrderException(OrderException.PARTY_UNAUTHENTICATED, message);
    }

    private static byte[] ad(String tag, String from, String to, String kind, Bytes senderNonce, Bytes receiverNonce) {
        CanonicalWriter w = CanonicalWriter.domain(tag).string(from).string(to);
        if (kind != null) {
            w.string(kind);
        }
        return w.bytes(senderNonce).bytes(receiverNonce).toByteArray();
    }

    private static Bytes nonce() {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return Bytes.of(nonce);
    }

    private static void checkNonce(Bytes nonce) {
        if (nonce == null || nonce.length() != NONCE_LENGTH) {
            throw OrderException.malformed("a channel nonce has " + NONCE_LENGTH + " bytes");
        }
    }
}
