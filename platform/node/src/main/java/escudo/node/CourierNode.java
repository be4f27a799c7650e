package escudo.node;

import escudo.s2.client.OrderKeys;
import escudo.s2.server.courier.Courier;
import escudo.crypto.SigningKey;
import escudo.s2.api.OrderApi;
import escudo.node.http.Desk;
import escudo.node.http.NodeServer;
import escudo.http.PartyClient;
import escudo.node.http.Routes;
import escudo.node.order.OrderChannel;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;

/** The courier role on HTTP (seed 002, terminal 4): takes deliveries from sellers, reports their state. */
public final class CourierNode implements AutoCloseable {

    /**
     * What a courier node needs: its S2 identifier, the bank whose key directory it uses (and, in
     * directory mode, the bank desk's token to publish its keys there, or null when the desk
     * registers it), its pairwise-key secret and its own desk token.
     */
    public record Settings(String courierId, URI issuerUrl, String expectedBankId, String bankDeskToken,
                           OrderKeys orderKeys, String deskToken) {
        public Settings {
            Objects.requireNonNull(courierId, "courierId");
            Objects.requireNonNull(issuerUrl, "issuerUrl");
            Objects.requireNonNull(orderKeys, "orderKeys");
        }
    }

    private final Database db;
    private final PartyClient bank;
    private final Courier courier;
    private final OrderChannel channel;
    private final Desk desk;
    private final NodeServer server;

    private CourierNode(Database db, PartyClient bank, Courier courier, OrderChannel channel, Desk desk, String host, int port) {
        this.db = db;
        this.bank = bank;
        this.courier = courier;
        this.channel = channel;
        this.desk = desk;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /** Opens the courier's database and starts serving. */
    public static CourierNode start(Settings settings, NodeConfig.Jdbc jdbc, SigningKey courierKey, String host, int port) {
        return start(settings, Database.open(jdbc.url(), jdbc.user(), jdbc.password()), courierKey, host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes. */
    public static CourierNode start(Settings settings, Database db, SigningKey courierKey, String host, int port) {
        PartyClient bank = new PartyClient(settings.issuerUrl());
        try {
            Clock clock = Clock.systemUTC();
            HttpBank.expect(bank, settings.expectedBankId());
            PairwiseKeys me = HttpBank.joinDirectory(settings.courierId(), settings.orderKeys(), bank, settings.bankDeskToken(),
                    courierKey);
            Courier courier = new Courier(db, me, clock);
            OrderChannel channel = new OrderChannel(me, clock)
                    .on(OrderMessage.Kind.DELIVER, OrderMessage.DeliveryRequest.class, courier::accept)
                    .on(OrderMessage.Kind.DELIVERY_STATUS, OrderMessage.DeliveryQuery.class, courier::status);
            return new CourierNode(db, bank, courier, channel, new Desk(settings.deskToken(), "a courier desk operation"), host, port);
        } catch (RuntimeException e) {
            db.close();
            bank.close();
            throw e;
        }
    }

    public Courier courier() {
        return courier;
    }

    public URI uri() {
        return server.uri();
    }

    private void routes(HttpRouting.Builder r) {
        Routes.get(r, "/courier", req -> new OrderApi.CourierInfo(courier.courierId()));
        channel.routes(r, "/courier");
        Routes.get(r, "/courier/deliveries", req -> desk.only(req, () -> new OrderApi.Deliveries(courier.deliveries())));
        Routes.get(r, "/courier/deliveries/{id}", req -> desk.only(req, () -> courier.delivery(req.path("id"))));
        Routes.post(r, "/courier/deliveries/{id}/status", OrderApi.Advance.class,
                (body, req) -> desk.only(req, () -> courier.advance(req.path("id"), body.state())));
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
        bank.close();
    }
}
