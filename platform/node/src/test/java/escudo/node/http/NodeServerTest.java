package escudo.node.http;

import escudo.http.Json;
import escudo.http.PartyClient;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A real server on a free port, spoken to with a plain {@link HttpClient}. */
class NodeServerTest {

    /** One code per kind, {@code test.<kind>}, for the route that fails as it is told. */
    private static final Map<Kind, ErrorCode> FAILURES = Arrays.stream(Kind.values()).collect(Collectors.toMap(
            kind -> kind, kind -> ErrorCode.declare(failureCode(kind), kind)));

    private static String failureCode(Kind kind) {
        return "test." + kind.name().toLowerCase(Locale.ROOT);
    }

    record Deposit(String account, Money amount, byte[] token, Instant at) {
        Deposit {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(amount, "amount");
        }
    }

    record Receipt(String id, String account, Money amount, byte[] token, Instant at) {
    }

    static final String SECRET = "jdbc:postgresql://db/escudo?password=hunter2";
    static final AtomicInteger IDS = new AtomicInteger();

    static NodeServer server;
    static HttpClient http;
    static final ObjectMapper PLAIN = new ObjectMapper();

    @BeforeAll
    static void start() {
        server = NodeServer.start(0, routing -> {
            Routes.post(routing, "/test/deposits", Deposit.class, (deposit, req) -> new Created(
                    new Receipt("d-" + IDS.incrementAndGet(), deposit.account(), deposit.amount(), deposit.token(),
                            deposit.at()), "/test/deposits/" + IDS.get()));
            Routes.post(routing, "/test/echo", Deposit.class, (deposit, req) -> deposit);
            Routes.get(routing, "/test/payments/{id}", req ->
                    Map.of("id", req.path("id"), "limit", req.queryLong("limit", 10)));
            Routes.get(routing, "/test/fail/{kind}", req -> {
                Kind kind = Kind.valueOf(req.path("kind"));
                throw new EscudoException(FAILURES.get(kind), "it failed as " + kind);
            });
            Routes.get(routing, "/test/boom", req -> {
                throw new IllegalStateException("cannot connect to " + SECRET);
            });
            Routes.get(routing, "/test/nothing", req -> null);
            Routes.get(routing, "/test/crash/*", req -> {
                throw new IllegalStateException("crashed");
            });
            routing.get("/test/raw", (req, res) -> {
                throw new IllegalArgumentException("raw " + SECRET);
            });
        });
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        http.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    static JsonNode problem(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = PLAIN.readTree(response.body());
        assertEquals(code, problem.get("code").asText());
        assertEquals("https://escudo.dev/problems/" + code, problem.get("type").asText());
        assertEquals(status, problem.get("status").asInt());
        assertFalse(problem.get("title").asText().isBlank());
        assertFalse(problem.get("detail").asText().isBlank());
        return problem;
    }

    @Test
    void listensOnAFreePort() {
        assertNotEquals(0, server.port());
        assertEquals(URI.create("http://127.0.0.1:" + server.port()), server.uri());
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> response = get("/health");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"status\":\"up\"}", response.body());
    }

    @Test
    void typedPostRoundTripWithMoneyAndBytes() throws Exception {
        HttpResponse<String> response = post("/test/deposits", """
                {"account": "alice", "amount": {"minor": 1250, "currency": "EUR"}, "token": "AQID/w==",
                 "at": "2025-01-31T12:00:00Z"}""");
        assertEquals(201, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").orElseThrow().startsWith("/test/deposits/"));
        Receipt receipt = Json.read(response.body().getBytes(UTF_8), Receipt.class);
        assertEquals("alice", receipt.account());
        assertEquals(Money.of(1250, "EUR"), receipt.amount());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, receipt.token());
        assertEquals(Instant.parse("2025-01-31T12:00:00Z"), receipt.at());
        JsonNode raw = PLAIN.readTree(response.body());
        assertEquals(1250, raw.get("amount").get("minor").asLong());
        assertEquals("EUR", raw.get("amount").get("currency").asText());
        assertEquals("AQID/w==", raw.get("token").asText());
    }

    @Test
    void getWithPathAndQueryParameters() throws Exception {
        HttpResponse<String> response = get("/test/payments/p-42?limit=3");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = PLAIN.readTree(response.body());
        assertEquals("p-42", body.get("id").asText());
        assertEquals(3, body.get("limit").asLong());
        assertEquals(10, PLAIN.readTree(get("/test/payments/p-1").body()).get("limit").asLong());
        problem(get("/test/payments/p-1?limit=lots"), 400, "request.malformed");
    }

    @Test
    void nullIsNoContent() throws Exception {
        HttpResponse<String> response = get("/test/nothing");
        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
    }

    @ParameterizedTest
    @CsvSource({"INVALID,400", "UNAUTHENTICATED,401", "NOT_FOUND,404", "CONFLICT,409", "REFUSED,422", "INTERNAL,500"})
    void eachKindHasItsStatus(Kind kind, int status) throws Exception {
        String code = failureCode(kind);
        JsonNode problem = problem(get("/test/fail/" + kind), status, code);
        if (kind == Kind.INTERNAL) {
            // our own faults are told in the log only; the answer names an incident
            assertTrue(problem.get("detail").asText().matches("the server failed to process the request \\(incident [0-9a-f]{8}\\)"));
        } else {
            assertEquals("it failed as " + kind, problem.get("detail").asText());
        }
        assertEquals("/test/fail/" + kind, problem.get("instance").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"account\": \"alice\", \"amount\": {\"minor\": 1250, \"currency\": \"EUR\"}, \"token\": null",
            "{\"account\": \"alice\", \"amount\": {\"minor\": 1250, \"currency\": \"EUR\"}, \"token\": null, \"at\": null, \"pin\": \"1234\"}",
            "{\"account\": \"alice\", \"amount\": {\"minor\": 1250, \"currency\": \"EUR\"}, \"token\": null}",
            "{\"account\": null, \"amount\": {\"minor\": 1250, \"currency\": \"EUR\"}, \"token\": null, \"at\": null}",
            "{\"account\": \"alice\", \"amount\": {\"minor\": 12.5, \"currency\": \"EUR\"}, \"token\": null, \"at\": null}",
            ""})
    void malformedUnknownOrMissingIsBadRequest(String body) throws Exception {
        JsonNode problem = problem(post("/test/echo", body), 400, "request.malformed");
        assertFalse(problem.get("detail").asText().contains("1234"));
    }

    @Test
    void unknownRouteIsNotFound() throws Exception {
        problem(get("/nowhere"), 404, "request.not-found");
        problem(post("/nowhere", "{}"), 404, "request.not-found");
    }

    @Test
    void wrongMethodIsMethodNotAllowed() throws Exception {
        HttpResponse<String> response = get("/test/deposits");
        problem(response, 405, "request.method-not-allowed");
        assertEquals("POST", response.headers().firstValue("Allow").orElseThrow());
        problem(post("/health", "{}"), 405, "request.method-not-allowed");
    }

    @Test
    void anOversizedBodyIsAProblemToo() throws Exception {
        String huge = "{\"account\": \"" + "x".repeat((int) NodeServer.MAX_PAYLOAD_BYTES) + "\"}";
        // With "Expect: 100-continue" the client waits for the verdict on the headers; without, the server's 413
        // and its close can reach a client still sending the body as a reset, and then no answer is read at all.
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri().resolve("/test/echo")).expectContinue(true)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(huge)).build(), BodyHandlers.ofString());
        problem(refused, 413, "request.too-large");
        assertEquals(200, get("/health").statusCode(), "the server keeps serving");
    }

    @Test
    void aChunkedBodyOverTheLimitIsTooLargeNotAnInternalError() throws Exception {
        byte[] huge = ("{\"account\": \"" + "x".repeat((int) NodeServer.MAX_PAYLOAD_BYTES) + "\"}").getBytes(UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/test/echo"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build(), BodyHandlers.ofString());
        problem(response, 413, "request.too-large");
    }

    /** A chunk size Helidon 4.3 does not parse (an extension, not hex) is the client's fault: 400, not 500. */
    @ParameterizedTest
    @ValueSource(strings = {"2;ext=1", "zz", "-2"})
    void aChunkSizeThatDoesNotParseIsMalformedNotAnInternalError(String chunkSize) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunkSize + "\r\n{}\r\n0\r\n\r\n").getBytes(UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer.lines().findFirst().orElse(""));
            assertTrue(answer.contains("request.malformed"), answer);
        }
    }

    @Test
    void aPathParameterWithAControlOrSeparatorIsRefusedBeforeTheHandler() throws Exception {
        problem(get("/test/payments/a%2Fb"), 404, "request.not-found"); // the path has a segment more
        for (String id : new String[] {"a%0D%0ASet-Cookie:%20x=1", "a%00b", "a%09b", "%E2%80%AEx"}) {
            HttpResponse<String> response = get("/test/payments/" + id);
            JsonNode problem = problem(response, 400, "request.invalid-text");
            assertFalse(response.body().contains("Set-Cookie"), response.body());
            assertTrue(problem.get("instance") == null || problem.get("instance").isNull(), "a crafted path is not echoed");
        }
    }

    @Test
    void aProblemNeverEchoesACraftedPath() throws Exception {
        HttpResponse<String> response = get("/nowhere/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        problem(response, 404, "request.not-found");
        assertFalse(response.body().contains("script"), response.body());
        assertEquals("/nowhere/plain", PLAIN.readTree(get("/nowhere/plain").body()).get("instance").asText(),
                "a path of plain segments is the instance");
    }

    @Test
    void aFailingRequestsPathCannotForgeALogLine() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(Routes.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            problem(get("/test/crash/x%0D%0ASEVERE:%20incident%20forged%E2%80%AE"), 500, "internal");
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(1, logged.size(), logged.toString());
        String line = logged.getFirst();
        assertTrue(line.contains("\\u000d\\u000aSEVERE: incident forged\\u202e"), line);
        assertFalse(line.contains("\r") || line.contains("\n") || line.contains("\u202E"), line);
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndOversizedHeadersAreRefused() throws Exception {
        NodeServer.Limits quick = new NodeServer.Limits(Duration.ofMillis(400), Duration.ofSeconds(30), 64, 4096, 4096);
        try (NodeServer strict = NodeServer.start("127.0.0.1", 0, quick, routing -> { })) {
            try (Socket idle = new Socket("127.0.0.1", strict.port())) {
                idle.setSoTimeout(10_000);
                idle.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
                long start = System.nanoTime();
                String answer = new String(idle.getInputStream().readAllBytes(), UTF_8); // the answer, then the close
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "closed soon after the idle timeout");
            }
            try (Socket big = new Socket("127.0.0.1", strict.port())) {
                big.setSoTimeout(10_000);
                big.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(8192) + "\r\n\r\n")
                        .getBytes(UTF_8));
                String answer = new String(big.getInputStream().readAllBytes(), UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 4"), answer.lines().findFirst().orElse(""));
            }
        }
    }

    /** Issue 13, item 10: connections that send nothing or stop halfway are closed, one by one, and the server serves on. */
    @ParameterizedTest
    @ValueSource(strings = {"", "GET /hea", "GET /health HTTP/1.1\r\nHost: x\r\nX-Half: ", "POST /test/echo HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"party\":"})
    void aConnectionThatStopsSendingIsClosedAfterTheReadTimeout(String sentBeforeSilence) throws Exception {
        NodeServer.Limits quick = new NodeServer.Limits(Duration.ofSeconds(30), Duration.ofMillis(500), 64, 4096, 4096);
        try (NodeServer strict = NodeServer.start("127.0.0.1", 0, quick,
                routing -> Routes.post(routing, "/test/echo", Deposit.class, (deposit, req) -> deposit))) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket socket = new Socket("127.0.0.1", strict.port());
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(sentBeforeSilence.getBytes(UTF_8));
                    silent.add(socket);
                }
                long start = System.nanoTime();
                for (Socket socket : silent) {
                    String answer = new String(socket.getInputStream().readAllBytes(), UTF_8); // a kept connection times out here
                    if (sentBeforeSilence.contains("\r\n\r\n")) { // the route had started reading the body
                        assertTrue(answer.startsWith("HTTP/1.1 408") && answer.contains("request.timed-out"), answer);
                    }
                }
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "closed soon after the read timeout");
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
            try (Socket next = new Socket("127.0.0.1", strict.port())) {
                next.setSoTimeout(10_000);
                next.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
                assertTrue(new String(next.getInputStream().readAllBytes(), UTF_8).startsWith("HTTP/1.1 200"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/test/boom", "/test/raw"})
    void anyOtherExceptionIsAnOpaqueInternalError(String path) throws Exception {
        HttpResponse<String> response = get(path);
        JsonNode problem = problem(response, 500, "internal");
        assertTrue(problem.get("detail").asText().contains("incident"), response.body());
        for (String leak : new String[] {"hunter2", "postgresql", "Exception", "java.", "at escudo"}) {
            assertFalse(response.body().contains(leak), leak + " leaked: " + response.body());
        }
    }

    @Test
    void partyClientRoundTrip() {
        try (PartyClient client = new PartyClient(server.uri())) {
            Deposit sent = new Deposit("bob", Money.of(99, "EUR"), new byte[] {9, 8, 7}, Instant.parse("2025-02-01T00:00:00Z"));
            Receipt receipt = client.post("/test/deposits", sent, Receipt.class);
            assertTrue(receipt.id().startsWith("d-"));
            assertEquals(sent.amount(), receipt.amount());
            assertArrayEquals(sent.token(), receipt.token());
            assertEquals(sent.at(), receipt.at());

            Deposit echoed = client.post("/test/echo", new Deposit("carol", Money.of(1, "JPY"), null, null), Deposit.class);
            assertEquals(Money.of(1, "JPY"), echoed.amount());
            assertNull(echoed.token());

            @SuppressWarnings("unchecked")
            Map<String, Object> payment = client.get("test/payments/p-7?limit=2", Map.class);
            assertEquals("p-7", payment.get("id"));
            assertNull(client.get("/test/nothing", Receipt.class));
        }
    }
}
