package escudo.s4.terminal;

import escudo.core.EscudoException;
import escudo.http.PartyClient;
import escudo.s4.session.Envelope;
import escudo.s4.session.MemberSession;
import escudo.s4.session.SessionOptions;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Part;
import escudo.s4.session.Phase;
import escudo.s4.session.ProviderKeys;
import escudo.s4.session.ReplyTree;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import escudo.s4.session.Signer;
import escudo.core.Bytes;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A member of seed 004's sessions on its terminal (claims 13-53): its card's signer, the provider it
 * talks to and how it asks for keys. The first member of a path sends each phase itself
 * ({@link #send}); a participant further on is a {@link Hop} that adds this member's part to what
 * reached it. One session at a time.
 */
public final class Member {

    private final ProviderKeys provider;
    private final Signer card;
    private final SessionOptions options;
    private MemberSession session;
    private Order order;
    private String note = "";
    private Outcome outcome;

    public Member(ProviderKeys provider, Signer card, SessionOptions options) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.card = Objects.requireNonNull(card, "card");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** What this member orders in its session's transaction (claim 16); zero approves. */
    public synchronized void order(Order order) {
        this.order = order;
    }

    /** What this member tells the provider alone in its next key exchange (claim 32). */
    public synchronized void note(String note) {
        this.note = Objects.requireNonNull(note, "note");
    }

    /** As the first member of a path: sends this member's part of {@code phase} to {@code next} (a hop, or the provider) and takes its reply. */
    public void send(Phase phase, URI next) {
        ReplyTree reply = Member.post(next, new Envelope.Single(own(phase)));
        reply.verify(provider.signing(), 0);
        accept(phase, reply.own());
    }

    /** This member's own part of {@code phase}: a new session's key exchange request, its order, its acknowledgement. */
    synchronized Part own(Phase phase) {
        return switch (phase) {
            case KEY_EXCHANGE -> {
                session = MemberSession.start(provider, card, options, "", note);
                outcome = null;
                yield session.request();
            }
            case TRANSACTION -> {
                if (order == null) {
                    throw new SessionException(SessionException.INCOMPLETE, "this member has no order for the transaction");
                }
                yield session().transaction(order, order.reference());
            }
            case ACKNOWLEDGEMENT -> session().acknowledgement(null, "received");
        };
    }

    /** The provider's reply to this member's part, checked by its session. */
    synchronized void accept(Phase phase, Part reply) {
        switch (phase) {
            case KEY_EXCHANGE -> session().keyed(reply);
            case TRANSACTION -> outcome = session().outcome(reply);
            case ACKNOWLEDGEMENT -> session().ended(reply);
        }
    }

    Signer card() {
        return card;
    }

    ProviderKeys provider() {
        return provider;
    }

    /** The provider's answer to this member's last transaction, or null. */
    public synchronized Outcome outcome() {
        return outcome;
    }

    public synchronized MemberSession session() {
        if (session == null) {
            throw new SessionException(SessionException.OUT_OF_ORDER, "this member has no session yet");
        }
        return session;
    }

    /**
     * How long a member waits for its reply: longer than a hop waits for the other members before it
     * ({@link Hop#WAIT_SECONDS}), at every level of a hierarchy above it.
     */
    static final Duration REPLY_TIMEOUT = Duration.ofMinutes(2);

    /** Sends {@code envelope} to a hop or the provider at {@code next} and returns the combined reply as it came. */
    static ReplyTree post(URI next, Envelope envelope) {
        try (PartyClient client = new PartyClient(next.resolve("/"), PartyClient.DEFAULT_CONNECT_TIMEOUT, REPLY_TIMEOUT)) {
            return ReplyTree.decode(client.post(next.getPath(), new SessionApi.Message(Bytes.of(envelope.encode())), SessionApi.Reply.class)
                    .reply().toByteArray());
        } catch (EscudoException e) {
            if (e.code() == PartyClient.UNREACHABLE) {
                throw new SessionException(SessionException.HOP_UNREACHABLE, "the next hop cannot be reached", e);
            }
            throw e;
        }
    }
}
