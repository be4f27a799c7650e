package escudo.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import escudo.core.EscudoException;
import escudo.http.PartyClient;
import escudo.http.Problem;
import escudo.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A limited route on a real server: 429 with Retry-After and a problem after the burst, admitted again after the refill. */
class RateLimitOverHttpTest {

    record Row(String name) {
    }

    private final TestClock clock = new TestClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final AtomicInteger rows = new AtomicInteger();
    private NodeServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        RateLimit limit = new RateLimit(new RateLimit.Settings(1, 3), clock);
        server = NodeServer.start(0, routing -> {
            Routes.post(routing, "/test/rows", Row.class, (row, req) -> {
                limit.admit(req);
                return new Created(Map.of("row", rows.incrementAndGet()));
            });
            Routes.get(routing, "/test/rows", req -> Map.of("rows", rows.get()));
        });
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private HttpResponse<String> postRow() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/test/rows")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"r\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterTheBurstTheAddressIsAnswered429UntilATokenRefills() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(201, postRow().statusCode());
        }
        HttpResponse<String> refused = postRow();
        assertEquals(429, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        assertEquals(Problem.MEDIA_TYPE, refused.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonNode problem = new ObjectMapper().readTree(refused.body());
        assertEquals("request.rate-limited", problem.get("code").asText());
        assertEquals(Problem.TYPE_BASE + "request.rate-limited", problem.get("type").asText());
        assertEquals(429, problem.get("status").asInt());
        assertEquals("Too many requests", problem.get("title").asText());
        assertEquals(3, rows.get(), "the refused request did nothing");

        try (PartyClient client = new PartyClient(server.uri())) {
            EscudoException e = assertThrows(EscudoException.class, () -> client.post("/test/rows", new Row("r"), Map.class));
            assertEquals(Problem.RATE_LIMITED, e.code());
            assertEquals(EscudoException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage().contains("try again in 1 s"), e.getMessage());
            assertEquals(3, client.get("/test/rows", Map.class).get("rows"), "a route without the limit still answers");

            clock.advance(Duration.ofSeconds(1));
            assertEquals(4, client.post("/test/rows", new Row("r"), Map.class).get("row"));
            assertEquals(429, postRow().statusCode(), "one second gave one token");
            clock.advance(Duration.ofSeconds(10));
            for (int i = 0; i < 3; i++) {
                assertEquals(201, postRow().statusCode(), "a full burst again, never more");
            }
            assertEquals(429, postRow().statusCode());
        }
    }
}
