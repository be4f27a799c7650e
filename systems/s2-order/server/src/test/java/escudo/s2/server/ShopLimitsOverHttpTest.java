package escudo.s2.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.EscudoException.Kind;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.http.Problem;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s2.api.OrderApi;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.OrderKeys;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.PartyChannel;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: what any shopper may call on the web shop and that makes rows or costs a key
 * derivation (an order form, the shop's party channel) is limited per client address, one bucket
 * for all of it; the catalogue is not, and neither is the bank's channel, which the shops call.
 */
class ShopLimitsOverHttpTest {

    private static final String BANK = "escudo-bank";
    private static final String SHOP = "tea-shop";
    private static final String HOLDER = "alice";

    private final TestClock clock = new TestClock(Instant.now());
    private final List<AutoCloseable> open = new ArrayList<>();
    private PartyNode bankNode;
    private PartyNode shopNode;
    private PartyClient shop;
    private DirectoryKeys holderKeys;
    private Basket basket;

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** Both parties allow one request a second after a burst of three. */
    private static NodeConfig config(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0",
                "escudo.merchant.id", SHOP, "escudo.merchant.port", "0", "escudo.rate.limit", "1", "escudo.rate.burst", "3"));
        settings.putAll(more);
        return NodeConfig.of(settings);
    }

    @BeforeEach
    void start() {
        bankNode = track(PartyNode.of(Role.ISSUER, config(Map.of())).database(TestDatabase.create())
                .secrets(Secrets.ephemeral(SigningKey.generate())).with(OrderKeys.class, OrderKeys.Directory.ephemeral()).start());
        shopNode = track(PartyNode.of(Role.MERCHANT, config(Map.of("escudo.issuer.url", bankNode.uri().toString())))
                .database(TestDatabase.create())
                .secrets(Secrets.ephemeral(SigningKey.generate(), "shop-desk-token-" + "z".repeat(32), bankNode.operatorToken()))
                .with(OrderKeys.class, OrderKeys.Directory.ephemeral()).clock(clock).start());
        shop = track(new PartyClient(shopNode.uri()));
        PartyClient bankDesk = track(new PartyClient(bankNode.uri(), bankNode.operatorToken()));
        holderKeys = DirectoryKeys.generate(HOLDER, RemoteDirectory.over(track(new PartyClient(bankNode.uri()))));
        RemoteDirectory.register(bankDesk, HOLDER, holderKeys.publicKey(), SigningKey.generate());
        String sku = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class).items().getFirst().sku();
        basket = new Basket(List.of(new Basket.Line(sku, 1)));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    private OrderStatus askStatus(String orderId) {
        try (ChannelClient channel = new ChannelClient(holderKeys, SHOP, new PartyClient(shopNode.uri()), "/merchant")) {
            return channel.call(OrderMessage.Kind.ORDER_STATUS, new OrderMessage.StatusQuery(orderId), OrderStatus.class);
        }
    }

    private static PartyChannel.Hello hello(String from, String to) {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        return new PartyChannel.Hello(from, to, Bytes.of(nonce));
    }

    @Test
    void offersAndTheShopsChannelShareOneBucketPerAddressAndRefillWithTime() throws Exception {
        for (int i = 0; i < 3; i++) {
            shop.post("/merchant/shop/offers", basket, Offer.class);
        }
        assertRefused(Problem.RATE_LIMITED, Kind.REFUSED, () -> shop.post("/merchant/shop/offers", basket, Offer.class));
        assertRefused(Problem.RATE_LIMITED, Kind.REFUSED, () -> askStatus("ORD-none"));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(shopNode.uri() + "/merchant/s2/hello"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(hello(HOLDER, SHOP))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, raw.statusCode());
            assertEquals("1", raw.headers().firstValue("Retry-After").orElse(""));
            assertTrue(raw.body().contains("\"code\":\"request.rate-limited\""), raw.body());
        }
        assertEquals(SHOP, shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class).sellerId(), "the catalogue is not limited");

        clock.advance(Duration.ofSeconds(2)); // a status query is a hello and a request: two tokens
        assertRefused(OrderException.NOT_FOUND, Kind.NOT_FOUND, () -> askStatus("ORD-none"));
        assertRefused(Problem.RATE_LIMITED, Kind.REFUSED, () -> shop.post("/merchant/shop/offers", basket, Offer.class));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(SHOP, shop.post("/merchant/shop/offers", basket, Offer.class).sellerId());
    }

    @Test
    void theBanksChannelWhichTheShopsCallIsNotLimited() {
        try (PartyClient anyone = new PartyClient(bankNode.uri())) {
            for (int i = 0; i < 10; i++) {
                anyone.post("/issuer/s2/hello", hello(SHOP, BANK), PartyChannel.Challenge.class);
            }
        }
    }
}
