package escudo.bench;

import escudo.http.PartyClient;
import escudo.node.http.NodeServer;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the per-address rate limit of the open routes (issue 13) costs a request: the same
 * {@code GET} over real HTTP to a route without it ({@link #open}, the baseline) and to one that
 * first takes a token from {@link RateLimit} ({@link #limited}), on one node in one run. The limit
 * is set so high that no request is refused: what is measured is the admission itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class RateLimitBenchmark {

    private NodeServer server;
    private PartyClient client;

    @Setup(Level.Trial)
    public void setUp() {
        RateLimit limit = new RateLimit(new RateLimit.Settings(1_000_000_000L, 1_000_000_000L), Clock.systemUTC());
        server = NodeServer.start(0, routing -> {
            Routes.get(routing, "/open", req -> Map.of("ok", true));
            Routes.get(routing, "/limited", req -> {
                limit.admit(req);
                return Map.of("ok", true);
            });
        });
        client = new PartyClient(server.uri());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
    }

    @Benchmark
    public Map<?, ?> open() {
        return client.get("/open", Map.class);
    }

    @Benchmark
    public Map<?, ?> limited() {
        return client.get("/limited", Map.class);
    }
}
