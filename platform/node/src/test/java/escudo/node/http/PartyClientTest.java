package escudo.node.http;

import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.http.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartyClientTest {

    /** The test bank's failure, answered as whichever kind the route names (the status carries it). */
    private static final ErrorCode BANK_FAILED = ErrorCode.declare("bank.failed", Kind.INTERNAL);
    /** The test bank's refusal of a withdrawal. */
    private static final ErrorCode SHORT_OF_FUNDS = ErrorCode.declare("bank.short-of-funds", Kind.REFUSED);

    record Withdrawal(String account, long minor) {
    }

    static NodeServer server;
    static PartyClient client;

    @BeforeAll
    static void start() {
        server = NodeServer.start(0, routing -> {
            Routes.post(routing, "/bank/withdrawals", Withdrawal.class, (w, req) -> {
                throw new EscudoException(SHORT_OF_FUNDS,
                        "account " + w.account() + " holds less than " + w.minor());
            });
            Routes.get(routing, "/bank/fail/{kind}", req -> {
                throw new EscudoException(Kind.valueOf(req.path("kind")), BANK_FAILED, "failed: " + req.path("kind"));
            });
            Routes.get(routing, "/bank/boom", req -> {
                throw new IllegalStateException("secret");
            });
            routing.get("/bank/not-json", (req, res) -> res.send("hello"));
            routing.get("/bank/plain-error", (req, res) -> res.status(503).send("down for maintenance"));
        });
        client = new PartyClient(server.uri());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void aRefusalComesBackAsTheSameException() {
        EscudoException e = assertThrows(EscudoException.class,
                () -> client.post("/bank/withdrawals", new Withdrawal("alice", 500), Map.class));
        assertEquals(Kind.REFUSED, e.kind());
        assertSame(SHORT_OF_FUNDS, e.code());
        assertEquals("account alice holds less than 500", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindSurvivesTheRoundTrip(Kind kind) {
        EscudoException e = assertThrows(EscudoException.class, () -> client.get("/bank/fail/" + kind, Map.class));
        assertEquals(kind, e.kind());
        assertSame(BANK_FAILED, e.code(), "the decoded code is the declared constant");
        assertEquals(kind == Kind.INTERNAL ? "the server failed to process the request" : "failed: " + kind,
                kind == Kind.INTERNAL ? e.getMessage().replaceAll(" \\(incident [0-9a-f]{8}\\)$", "") : e.getMessage());
    }

    @Test
    void malformedRequestAndUnknownRouteToo() {
        EscudoException malformed = assertThrows(EscudoException.class,
                () -> client.post("/bank/withdrawals", Map.of("account", "alice"), Map.class));
        assertEquals(Kind.INVALID, malformed.kind());
        assertEquals(Json.MALFORMED, malformed.code());

        EscudoException notFound = assertThrows(EscudoException.class, () -> client.get("/bank/nothing", Map.class));
        assertEquals(Kind.NOT_FOUND, notFound.kind());
        assertEquals(Problem.NO_ROUTE, notFound.code());

        EscudoException internal = assertThrows(EscudoException.class, () -> client.get("/bank/boom", Map.class));
        assertEquals(Kind.INTERNAL, internal.kind());
        assertSame(Problem.INTERNAL, internal.code());
    }

    @Test
    void answersThatAreNotProblemsOrNotJson() {
        EscudoException notJson = assertThrows(EscudoException.class, () -> client.get("/bank/not-json", Map.class));
        assertEquals(PartyClient.BAD_RESPONSE, notJson.code());
        EscudoException plain = assertThrows(EscudoException.class, () -> client.get("/bank/plain-error", Map.class));
        assertEquals(Kind.INTERNAL, plain.kind());
        assertEquals(PartyClient.ERROR, plain.code());
    }

    @Test
    void connectionRefusedIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + port);
        try (PartyClient lonely = new PartyClient(nobody, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            EscudoException e = assertThrows(EscudoException.class, () -> lonely.get("/health", Map.class));
            assertEquals(Kind.INTERNAL, e.kind());
            assertEquals(PartyClient.UNREACHABLE, e.code());
            assertTrue(e.getMessage().startsWith(nobody + " is unreachable: "), e.getMessage());
        }
    }

    @Test
    void aSilentServerTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = silent.accept()) {
                    Thread.sleep(5_000); // read nothing, answer nothing
                    accepted.shutdownOutput();
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            try (PartyClient impatient = new PartyClient(uri, Duration.ofSeconds(1), Duration.ofMillis(300))) {
                long start = System.nanoTime();
                EscudoException e = assertThrows(EscudoException.class, () -> impatient.get("/health", Map.class));
                assertEquals(PartyClient.UNREACHABLE, e.code());
                assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3_000);
            }
        }
    }
}
