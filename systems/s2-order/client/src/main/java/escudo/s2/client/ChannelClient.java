package escudo.s2.client;

import escudo.core.EscudoException;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Kind;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.PartyChannel;
import java.util.Objects;

/**
 * The sending end of the S2 party channel to one peer at one base URI: confirms the peer (claim 7)
 * with a hello, then sends the one request and opens the sealed answer.
 */
public final class ChannelClient implements AutoCloseable {

    private final PairwiseKeys me;
    private final String peerId;
    private final PartyClient http;
    private final String prefix;

    /** {@code prefix} is the peer's role path, such as {@code /issuer}. */
    public ChannelClient(PairwiseKeys me, String peerId, PartyClient http, String prefix) {
        this.me = Objects.requireNonNull(me, "me");
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.http = Objects.requireNonNull(http, "http");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public String peerId() {
        return peerId;
    }

    /** Sends {@code body} as a request of {@code kind} and returns the peer's authenticated answer. */
    public <A extends OrderMessage> A call(Kind kind, OrderMessage body, Class<A> answer) {
        if (!kind.body().isInstance(body) || kind.answer() != answer) {
            throw new IllegalArgumentException(kind + " carries " + kind.body().getSimpleName() + " and answers "
                    + kind.answer().getSimpleName());
        }
        PartyChannel.Session session = PartyChannel.confirm(me, peerId,
                hello -> http.post(prefix + "/s2/hello", hello, PartyChannel.Challenge.class));
        PartyChannel.Request request = session.request(kind.wireName(), Json.write(body));
        PartyChannel.Reply reply = http.post(prefix + "/s2/requests", request, PartyChannel.Reply.class);
        byte[] opened = session.open(reply);
        try {
            return Json.read(opened, answer);
        } catch (EscudoException e) {
            throw new EscudoException(PartyClient.BAD_RESPONSE,
                    peerId + " answered " + kind.wireName() + " with an unreadable " + answer.getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
