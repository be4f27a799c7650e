package escudo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.crypto.SigningKey;
import escudo.node.NodeConfig.Role;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Secrets;
import escudo.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PartyNodeTest {

    @Test
    void aJobRunsEveryPeriodSurvivesItsOwnFailureAndStopsWithTheParty() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Feature sweeping = new Feature() {
            @Override
            public String name() {
                return "sweeping";
            }

            @Override
            public void join(Party party) {
                party.every(Duration.ofMillis(20), "sweep", () -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException("the first sweep fails");
                    }
                });
            }
        };
        PartyNode node = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank", "escudo.issuer.port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).features(List.of(sweeping)).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (runs.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(runs.get() >= 3, "ran again after its failure: " + runs.get());
        } finally {
            node.close();
        }
        int atClose = runs.get();
        Thread.sleep(100);
        assertEquals(atClose, runs.get(), "no run after the party stopped");
    }

    /** Helidon's health endpoints on every party: ready while its database answers with its features' migrations applied. */
    @Test
    void aPartyIsAliveAndReadyWhileItsDatabaseAnswers() throws Exception {
        Feature migrating = new Feature() {
            @Override
            public String name() {
                return "migrating";
            }

            @Override
            public void join(Party party) {
                party.db().migrate("nodetest");
            }
        };
        try (PartyNode node = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank", "escudo.issuer.port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).features(List.of(migrating)).start();
             java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> ready = http.send(java.net.http.HttpRequest.newBuilder(node.uri().resolve(
                    escudo.node.http.NodeServer.READINESS)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"name\":\"database\"") && ready.body().contains("\"status\":\"UP\""), ready.body());
            assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(node.uri().resolve(escudo.node.http.NodeServer.LIVENESS)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
