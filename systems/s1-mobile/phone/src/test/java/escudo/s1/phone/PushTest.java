package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.PhoneProof;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 001, S210: the push channel the phone keeps open hears that an approval waits, and nothing of what it is. */
class PushTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private RestartableParty bank;
    private ServiceLink network;
    private Phone phone;
    private BigInteger certificate;

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, Clock.systemUTC());
        S1Bank.openCustomers(bank, false);
        network = new ServiceLink(bank.uri());
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), Clock.systemUTC(), "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
    }

    @AfterEach
    void stop() {
        network.close();
        bank.close();
    }

    @Test
    void thePhoneHearsOfANewApprovalAtOnceAndOfNothingWhileNoneWaits() throws Exception {
        assertEquals(0, network.awaitPending(phone.proof(certificate, PhoneProof.EVENTS), Duration.ofMillis(700)), "nothing waits");
        CompletableFuture<Long> listening = CompletableFuture.supplyAsync(
                () -> network.awaitPending(phone.proof(certificate, PhoneProof.EVENTS), Duration.ofSeconds(20)));
        Thread.sleep(300); // the phone is listening before the PC starts
        long started = System.nanoTime();
        try (PartyClient page = new PartyClient(bank.uri())) {
            page.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", PHONE, "bob", Money.parse("3.00 EUR"), "coffee"),
                    ApprovalApi.Started.class);
        }
        assertEquals(1, listening.get(20, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "pushed, not found on the next keep-alive");
        assertEquals(1, network.awaitPending(phone.proof(certificate, PhoneProof.EVENTS), Duration.ofSeconds(5)), "told again on the next connection");
        assertEquals(1, phone.pending(network, certificate).size());
    }

    @Test
    void theEventNamesNoTransactionAndTheChannelNeedsAFreshProof() throws Exception {
        try (PartyClient page = new PartyClient(bank.uri())) {
            page.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", PHONE, "bob", Money.parse("3.00 EUR"), "coffee"),
                    ApprovalApi.Started.class);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(bank.uri() + "/issuer/s1/phone/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(escudo.http.Json.write(phone.proof(certificate, PhoneProof.EVENTS)))).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            var lines = response.body().iterator();
            assertEquals("event: pending", lines.next());
            assertEquals("data: {\"waiting\":1}", lines.next(), "a count, nothing of the payee or the amount");
            response.body().close();
        }
        PhoneProof forFetching = phone.proof(certificate, PhoneProof.PENDING);
        assertRefused(ApprovalException.BAD_PROOF, () -> network.awaitPending(forFetching, Duration.ofSeconds(5)));
    }

    /** One timeout for the whole wait: a service slow to open the channel leaves less time to hear on it, not as much again. */
    @Test
    void theTimeoutCoversOpeningTheChannelAndHearingOnIt() throws Exception {
        try (java.net.ServerSocket slow = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread service = Thread.ofVirtual().start(() -> {
                try (java.net.Socket connection = slow.accept()) {
                    java.io.InputStream in = connection.getInputStream();
                    in.read(new byte[8192]); // the request; what it says does not matter here
                    Thread.sleep(1_500); // slow to answer, then an open stream that says nothing
                    connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    connection.getOutputStream().flush();
                    Thread.sleep(10_000);
                } catch (java.io.IOException | InterruptedException e) {
                    // the phone hung up, or the test ended
                }
            });
            try (ServiceLink toSlow = new ServiceLink(java.net.URI.create("http://127.0.0.1:" + slow.getLocalPort()))) {
                long started = System.nanoTime();
                assertEquals(0, toSlow.awaitPending(phone.proof(certificate, PhoneProof.EVENTS), Duration.ofSeconds(2)));
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(waited.compareTo(Duration.ofMillis(3_000)) < 0, "waited " + waited + " for a timeout of 2 s (1.5 s of it to open)");
            } finally {
                service.interrupt();
            }
        }
    }
}
