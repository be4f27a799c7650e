package escudo.node.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.http.PartyClient;
import escudo.node.http.NodeServer;
import escudo.node.http.Routes;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy between a real client and a real node server: framing, keep-alive, and each fault as the client sees it. */
class FaultProxyTest {

    record Note(String text) {
    }

    /** How many notes the server has taken, the one just taken included. */
    record Taken(int count, String text) {
    }

    private final AtomicInteger taken = new AtomicInteger();
    private NodeServer server;
    private FaultProxy proxy;
    private PartyClient client;

    @BeforeEach
    void start() {
        server = serve(taken);
        proxy = FaultProxy.to(server::uri);
        client = new PartyClient(proxy.uri());
    }

    private static NodeServer serve(AtomicInteger taken) {
        return NodeServer.start(0, routing -> {
            Routes.post(routing, "/notes", Note.class, (note, req) -> new Taken(taken.incrementAndGet(), note.text()));
            Routes.get(routing, "/notes", req -> new Taken(taken.get(), ""));
            routing.get("/stream", (req, res) -> {
                try (OutputStream out = res.outputStream()) { // no length known: the server sends it chunked
                    out.write("first part, ".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    out.write("second part".getBytes(StandardCharsets.UTF_8));
                }
            });
        });
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
        server.close();
    }

    private Taken post(String text) {
        return client.post("/notes", new Note(text), Taken.class);
    }

    @Test
    void aRequestWithALengthAndAChunkedOneGoOneAfterTheOtherOnOneKeptAliveConnection() throws Exception {
        try (Socket socket = new Socket(proxy.uri().getHost(), proxy.uri().getPort())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String body = "{\"text\":\"sized\"}";
            out.write(("POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            FaultProxy.Message first = FaultProxy.Message.read(in, "POST");
            assertEquals(200, first.status(), new String(first.raw(), StandardCharsets.UTF_8));
            assertTrue(new String(first.raw(), StandardCharsets.UTF_8).endsWith("{\"count\":1,\"text\":\"sized\"}"));

            out.write(("POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\n{\"tex\r\n" + "b\r\nt\":\"chunked\r\n" + "2\r\n\"}\r\n" + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            FaultProxy.Message second = FaultProxy.Message.read(in, "POST");
            assertEquals(200, second.status(), new String(second.raw(), StandardCharsets.UTF_8));
            assertTrue(new String(second.raw(), StandardCharsets.UTF_8).endsWith("{\"count\":2,\"text\":\"chunked\"}"));
        }
        assertEquals(List.of(new FaultProxy.Exchange(1, "POST", "/notes", Fault.Kind.PASS, 1, 200),
                new FaultProxy.Exchange(2, "POST", "/notes", Fault.Kind.PASS, 1, 200)), proxy.exchanges());
    }

    /** What Helidon does not take (it answers a chunk extension 500 and a trailer 400), the proxy still frames right. */
    @Test
    void aChunkedMessageEndsAfterItsLastChunkAndTrailers() throws Exception {
        String chunked = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n";
        InputStream in = new java.io.ByteArrayInputStream((chunked + "GET /next HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        FaultProxy.Message first = FaultProxy.Message.read(in, null);
        assertEquals(chunked, new String(first.raw(), StandardCharsets.US_ASCII));
        assertEquals("/next", FaultProxy.Message.read(in, null).path());
        assertEquals(null, FaultProxy.Message.read(in, null), "a clean end between requests");
    }

    @Test
    void aChunkedAnswerReachesTheClientWhole() throws Exception {
        var answer = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(proxy.uri() + "/stream?x=1")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals("first part, second part", answer.body());
        assertEquals("chunked", answer.headers().firstValue("Transfer-Encoding").orElse(""));
        assertEquals("/stream", proxy.exchanges().getFirst().path());
    }

    @Test
    void aLostRequestNeverReachesTheServer() {
        proxy.plan("/notes", Fault.loseRequest());
        assertUnreachable(() -> post("lost"));
        assertEquals(0, taken.get());
        assertEquals(1, post("again").count(), "the plan is used up: the next one passes");
    }

    @Test
    void aLostResponseWasStillProcessed() {
        proxy.plan("/notes", Fault.loseResponse());
        assertUnreachable(() -> post("done, unheard"));
        assertEquals(1, taken.get());
        assertEquals(2, post("again").count());
    }

    @Test
    void aDuplicateIsProcessedTwiceAndTheSecondAnswerReturned() {
        proxy.plan("/notes", Fault.duplicate());
        assertEquals(2, post("twice").count());
        assertEquals(2, proxy.exchanges().getFirst().deliveries());
    }

    @Test
    void aResetBeforeForwardingReachesNothingAndOneAfterTheAnswerWasProcessed() {
        proxy.plan("/notes", Fault.reset(), Fault.resetAfterAnswer());
        assertUnreachable(() -> post("reset"));
        assertEquals(0, taken.get());
        assertUnreachable(() -> post("reset after"));
        assertEquals(1, taken.get());
    }

    @Test
    void aResetIsAnRstNotAnOrderlyClose() throws Exception {
        proxy.plan("/notes", Fault.reset(), Fault.loseRequest());
        for (boolean reset : new boolean[] {true, false}) {
            try (Socket socket = new Socket(proxy.uri().getHost(), proxy.uri().getPort())) {
                socket.getOutputStream().write("GET /notes HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (reset) {
                    java.net.SocketException e = assertThrows(java.net.SocketException.class, () -> socket.getInputStream().read());
                    assertTrue(e.getMessage().contains("reset"), e.getMessage());
                } else {
                    assertEquals(-1, socket.getInputStream().read(), "a lost request ends the connection with a FIN");
                }
            }
        }
    }

    @Test
    void aDelayedRequestIsAnsweredLateOrProcessedAfterTheClientGaveUp() throws Exception {
        proxy.plan("/notes", Fault.delay(Duration.ofMillis(300)), Fault.delay(Duration.ofMillis(600)));
        long start = System.nanoTime();
        assertEquals(1, post("late").count());
        assertTrue(System.nanoTime() - start >= 300_000_000L);
        try (PartyClient impatient = new PartyClient(proxy.uri(), Duration.ofSeconds(2), Duration.ofMillis(200))) {
            assertUnreachable(() -> impatient.post("/notes", new Note("too late"), Taken.class));
        }
        Thread.sleep(700);
        assertEquals(2, taken.get(), "the server took it after the client stopped waiting");
    }

    @Test
    void onlyTheMatchingPathMeetsThePlanAndAHookRunsBetweenServerAndClient() {
        AtomicReference<Integer> seenByHook = new AtomicReference<>();
        proxy.plan("POST /notes", Fault.pass(), Fault.loseResponse().then(() -> seenByHook.set(taken.get())));
        assertEquals(0, client.get("/notes", Taken.class).count());
        assertEquals(1, post("passes").count());
        assertEquals(1, proxy.unplayed());
        assertUnreachable(() -> post("lost"));
        assertEquals(2, seenByHook.get(), "the hook ran once the server had processed it");
        assertEquals(0, proxy.unplayed());
        assertEquals(1, proxy.faultsInjected());
    }

    @Test
    void aServerRestartedOnAnotherPortIsFoundAgain() {
        AtomicReference<NodeServer> current = new AtomicReference<>(server);
        try (FaultProxy restarting = FaultProxy.to(() -> current.get().uri());
             PartyClient viaRestarting = new PartyClient(restarting.uri())) {
            restarting.plan("/notes", Fault.loseResponse().then(() -> {
                current.get().close();
                current.set(serve(taken));
            }));
            assertUnreachable(() -> viaRestarting.post("/notes", new Note("before the restart"), Taken.class));
            assertEquals(2, viaRestarting.post("/notes", new Note("after"), Taken.class).count());
        } finally {
            server = current.get();
        }
    }

    private static EscudoException assertUnreachable(org.junit.jupiter.api.function.Executable call) {
        EscudoException e = assertThrows(EscudoException.class, call);
        assertEquals(PartyClient.UNREACHABLE, e.code(), e.getMessage());
        return e;
    }
}
