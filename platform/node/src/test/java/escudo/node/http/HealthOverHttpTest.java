package escudo.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Helidon's health endpoints on a node's server: liveness while it serves, readiness only while every check is up. */
class HealthOverHttpTest {

    @Test
    void readinessFollowsItsChecksAndLivenessDoesNot() throws Exception {
        AtomicBoolean databaseUp = new AtomicBoolean(true);
        HealthCheck database = new HealthCheck() {
            @Override
            public String name() {
                return "database";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(databaseUp.get()).build();
            }
        };
        try (NodeServer server = NodeServer.start("127.0.0.1", 0, NodeServer.Limits.DEFAULT, List.of(database), routing -> { });
             HttpClient http = HttpClient.newHttpClient()) {
            assertEquals(200, get(http, server.uri(), NodeServer.LIVENESS).statusCode());
            HttpResponse<String> ready = get(http, server.uri(), NodeServer.READINESS);
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"database\"") && ready.body().contains("UP"), ready.body());
            databaseUp.set(false);
            HttpResponse<String> notReady = get(http, server.uri(), NodeServer.READINESS);
            assertEquals(503, notReady.statusCode(), notReady.body());
            assertTrue(notReady.body().contains("DOWN"), notReady.body());
            assertEquals(200, get(http, server.uri(), NodeServer.LIVENESS).statusCode(), "alive all the same: restarting it would not help");
            HttpResponse<String> nothing = get(http, server.uri(), "/observe/nothing");
            assertEquals(404, nothing.statusCode());
            assertTrue(nothing.body().contains("request.not-found"), "the node's problem document: " + nothing.body());
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
