package escudo.s2.server;

import escudo.http.Json;
import escudo.node.http.RateLimit;
import escudo.node.http.Request;
import escudo.node.http.Routes;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Kind;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.PartyChannel;
import io.helidon.webserver.http.HttpRules;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The receiving end of the S2 party channel on HTTP (docs/api.md):
 * {@code POST <prefix>/s2/hello} answers a {@link PartyChannel.Hello} with a challenge, and
 * {@code POST <prefix>/s2/requests} opens a {@link PartyChannel.Request}, hands the authenticated
 * sender and the decoded {@link OrderMessage} to the handler of its {@link Kind}, and seals the
 * answer. A refusal is an ordinary problem document: it carries a code, never order data.
 */
public final class OrderChannel {

    /** Handles one kind of request from an authenticated sender. */
    @FunctionalInterface
    public interface Handler<B extends OrderMessage> {
        OrderMessage handle(String from, B body);
    }

    private final PartyChannel.Receiver receiver;
    private final Map<Kind, Handler<OrderMessage>> handlers = new EnumMap<>(Kind.class);
    /** Null on a channel only parties call (the bank's, the courier's): no limit on the shops' own hops. */
    private RateLimit limit;

    public OrderChannel(PairwiseKeys me, Clock clock) {
        this.receiver = new PartyChannel.Receiver(me, clock);
    }

    /** Serves requests of {@code kind}; {@code B} must be {@code kind.body()}. */
    @SuppressWarnings("unchecked")
    public <B extends OrderMessage> OrderChannel on(Kind kind, Class<B> body, Handler<B> handler) {
        if (kind.body() != body) {
            throw new IllegalArgumentException(kind + " carries " + kind.body().getSimpleName());
        }
        handlers.put(kind, (Handler<OrderMessage>) handler);
        return this;
    }

    /**
     * Admits each hello and request through {@code limit} first: for a channel any holder calls
     * (the shop's), where a hello costs a key derivation and an order is a row.
     */
    public OrderChannel limitedBy(RateLimit limit) {
        this.limit = Objects.requireNonNull(limit, "limit");
        return this;
    }

    /** Registers the two routes under {@code prefix} (such as {@code /issuer}). */
    public void routes(HttpRules rules, String prefix) {
        Routes.post(rules, prefix + "/s2/hello", PartyChannel.Hello.class, (hello, req) -> {
            admit(req);
            return receiver.challenge(hello);
        });
        Routes.post(rules, prefix + "/s2/requests", PartyChannel.Request.class, (request, req) -> {
            admit(req);
            Kind kind = Kind.of(request.kind());
            Handler<OrderMessage> handler = handlers.get(kind);
            if (handler == null) {
                throw OrderException.of(OrderException.MALFORMED,
                        receiver.myId() + " does not take " + kind.wireName() + " requests");
            }
            PartyChannel.Received received = receiver.receive(request);
            OrderMessage body = Json.read(received.body(), kind.body());
            OrderMessage answer = handler.handle(received.from(), body);
            return received.reply(Json.write(answer));
        });
    }

    private void admit(Request req) {
        if (limit != null) {
            limit.admit(req);
        }
    }
}
