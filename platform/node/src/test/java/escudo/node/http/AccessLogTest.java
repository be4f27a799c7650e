package escudo.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.http.RequestId;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Secrets;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Structured request logs (issue 14): one JSON line per request with the route's pattern, never
 * its path; the incident id of a 5xx; a request id that the answer names and that travels to the
 * next party with {@link PartyClient}.
 */
class AccessLogTest {

    private static final String SECRET = "4111111111111111";
    private final Logger requests = Logger.getLogger(AccessLog.LOGGER);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level before;
    private PartyNode downstream;
    private PartyNode upstream;

    @BeforeEach
    void start() {
        downstream = party("courier", feature(r -> Routes.get(r, "/courier/things/{id}", req -> Map.of("thing", req.path("id").length()))));
        URI next = downstream.uri();
        upstream = party("bank", feature(r -> {
            Routes.get(r, "/issuer/things/{id}", req -> Map.of("length", req.path("id").length()));
            Routes.get(r, "/issuer/boom", req -> {
                throw new IllegalStateException("a fault on our side, whose message names " + SECRET);
            });
            Routes.get(r, "/issuer/relay", req -> {
                try (PartyClient client = new PartyClient(next)) {
                    return client.get("/courier/things/" + SECRET, Map.class);
                }
            });
        }));
        // after the servers start: Helidon reads the logging configuration afresh when the first one does
        before = requests.getLevel();
        requests.setLevel(Level.INFO);
        requests.addHandler(capture);
    }

    @AfterEach
    void stop() {
        upstream.close();
        downstream.close();
        requests.removeHandler(capture);
        requests.setLevel(before);
    }

    @Test
    void eachRequestIsOneJsonLineWithItsRouteStatusLatencyAndRequestIdAndNothingOfItsPath() throws Exception {
        HttpResponse<String> answer = get("/issuer/things/" + SECRET, null);
        assertEquals(200, answer.statusCode());
        Map<?, ?> line = lineFor(answer);
        assertEquals("/issuer/things/{id}", line.get("route"));
        assertEquals("GET", line.get("method"));
        assertEquals(200, line.get("status"));
        assertEquals("issuer", line.get("role"));
        assertEquals("bank", line.get("party"));
        assertTrue(((Number) line.get("latencyMs")).doubleValue() >= 0);
        assertTrue(line.containsKey("time"));
        assertFalse(lines.stream().anyMatch(l -> l.contains(SECRET)), "no path, query or body in any line: " + lines);
    }

    @Test
    void aFaultOnOurSideIsLoggedWithTheIncidentIdTheCallerWasGiven() throws Exception {
        HttpResponse<String> answer = get("/issuer/boom", null);
        assertEquals(500, answer.statusCode());
        Map<?, ?> line = lineFor(answer);
        assertEquals(500, line.get("status"));
        String incident = (String) line.get("incident");
        assertTrue(answer.body().contains("incident " + incident), answer.body());
        assertFalse(lines.stream().anyMatch(l -> l.contains(SECRET)));
    }

    @Test
    void theRequestIdTravelsToTheNextPartyAndAMalformedOneIsReplaced() throws Exception {
        HttpResponse<String> answer = get("/issuer/relay", "payment-0001-abc");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("payment-0001-abc", answer.headers().firstValue(RequestId.HEADER).orElseThrow(), "the caller's id is kept");
        List<Map<?, ?>> both = linesOf("payment-0001-abc", 2);
        assertEquals(List.of("courier", "issuer"), both.stream().map(l -> l.get("role")).sorted().toList(), "one line at each party: " + lines);
        HttpResponse<String> forged = get("/issuer/things/x", "bad id\" with \"quotes");
        String replaced = forged.headers().firstValue(RequestId.HEADER).orElseThrow();
        assertNotEquals("bad id\" with \"quotes", replaced);
        assertTrue(replaced.matches("[0-9a-f]{24}"), replaced);
        assertFalse(lines.stream().anyMatch(l -> l.contains("quotes")), "a header is never logged as it came");
    }

    /** The line of the request {@code answer} answered; the server writes it once the answer is sent, so it may come a moment later. */
    private Map<?, ?> lineFor(HttpResponse<String> answer) throws InterruptedException {
        return linesOf(answer.headers().firstValue(RequestId.HEADER).orElseThrow(), 1).getFirst();
    }

    private List<Map<?, ?>> linesOf(String requestId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (true) {
            List<Map<?, ?>> found = lines.stream().<Map<?, ?>>map(l -> Json.read(l.getBytes(), Map.class))
                    .filter(l -> requestId.equals(l.get("requestId"))).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                assertEquals(count, found.size(), "lines for request " + requestId + " in " + lines);
                return found;
            }
            Thread.sleep(10);
        }
    }

    private HttpResponse<String> get(String path, String requestId) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.uri().resolve(path)).GET();
            if (requestId != null) {
                request.header(RequestId.HEADER, requestId);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Feature feature(java.util.function.Consumer<io.helidon.webserver.http.HttpRules> routes) {
        return new Feature() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void join(Party party) {
                party.routes(routes);
            }
        };
    }

    private static PartyNode party(String id, Feature feature) {
        Role role = id.equals("bank") ? Role.ISSUER : Role.COURIER;
        return PartyNode.of(role, NodeConfig.of(Map.of("escudo." + role.id() + ".id", id, "escudo." + role.id() + ".port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).features(List.of(feature)).start();
    }
}
