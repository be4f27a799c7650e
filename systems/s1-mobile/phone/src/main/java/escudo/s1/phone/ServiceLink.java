package escudo.s1.phone;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.http.Json;
import escudo.http.Problem;
import escudo.http.PartyClient;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.PhoneProof;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.List;

/** How the phone reaches a service that asks it for approvals (seed 001, S220-S250): the bank's online banking. */
public final class ServiceLink implements AutoCloseable {

    private final PartyClient service;
    private final URI base;
    private final HttpClient stream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    public ServiceLink(URI service) {
        this.service = new PartyClient(service);
        this.base = service;
    }

    /**
     * S210: listens on the push channel until the service says approvals wait for this phone, and
     * returns how many; 0 when {@code timeout} passed first. The event names no transaction: the
     * phone fetches them with {@link #pending}. A refusal of the proof is the service's problem code.
     */
    public long awaitPending(PhoneProof proof, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/issuer/s1/phone/events")).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(proof))).build();
        long deadline = System.nanoTime() + timeout.toNanos(); // one timeout for opening the channel and hearing on it
        CompletableFuture<HttpResponse<Stream<String>>> opened = stream.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        try {
            HttpResponse<Stream<String>> response = opened.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (response.statusCode() != 200) {
                String body = response.body().collect(Collectors.joining("\n"));
                response.body().close();
                Problem problem = Json.readProblem(body.getBytes(StandardCharsets.UTF_8));
                throw problem != null ? problem.toException()
                        : new EscudoException(PartyClient.ERROR, "the push channel answered HTTP " + response.statusCode());
            }
            CompletableFuture<Long> heard = CompletableFuture.supplyAsync(() -> firstPending(response.body()), Thread::startVirtualThread);
            try {
                return heard.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return 0;
            } finally {
                response.body().close();
            }
        } catch (TimeoutException e) {
            opened.cancel(true);
            return 0;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new EscudoException(PartyClient.UNREACHABLE, "cannot reach the service's push channel: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The count of the first "pending" event of a server-sent event stream, or 0 if it ends first. */
    private static long firstPending(Stream<String> lines) {
        String event = null;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event: ")) {
                event = line.substring("event: ".length());
            } else if (line.startsWith("data: ") && "pending".equals(event)) {
                return Json.read(line.substring("data: ".length()).getBytes(StandardCharsets.UTF_8), Waiting.class).waiting();
            }
        }
        return 0;
    }

    /** The push event's data: a count, nothing about what waits. */
    private record Waiting(long waiting) {
    }

    /** What waits for this phone; each is decoded here, so the phone shows what it will sign. */
    public List<ApprovalRequest> pending(PhoneProof proof) {
        return service.post("/issuer/s1/phone/pending", proof, ApprovalApi.Pending.class).approvals().stream()
                .map(bytes -> ApprovalRequest.decode(bytes.toByteArray())).toList();
    }

    public ApprovalApi.Status approve(String approvalId, byte[] signed) {
        return service.post("/issuer/s1/approvals/" + approvalId + "/signature", new ApprovalApi.Signature(Bytes.of(signed)),
                ApprovalApi.Status.class);
    }

    public ApprovalApi.Status decline(String approvalId, PhoneProof proof) {
        return service.post("/issuer/s1/approvals/" + approvalId + "/decline", proof, ApprovalApi.Status.class);
    }

    @Override
    public void close() {
        service.close();
        stream.close();
    }
}
