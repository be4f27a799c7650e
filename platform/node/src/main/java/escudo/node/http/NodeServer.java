package escudo.node.http;

import escudo.core.ErrorCode;
import escudo.http.Json;
import escudo.http.Problem;
import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A running Helidon WebServer (a virtual thread per request) for one party. Its routing is what the
 * customizer registers, plus {@code GET /health} answering {@code {"status":"up"}}, problem
 * documents for every failure, and {@code 404}/{@code 405} problems for unknown routes.
 * <pre>{@code
 * try (NodeServer server = NodeServer.start("127.0.0.1", 0, routing ->
 *         Routes.get(routing, "/hello/{name}", req -> Map.of("hello", req.path("name"))))) {
 *     URI uri = server.uri();
 * }
 * }</pre>
 */
public final class NodeServer implements AutoCloseable {

    /** Largest request body accepted, whether sent with a length or chunked. */
    public static final long MAX_PAYLOAD_BYTES = 1 << 20;

    /**
     * What clients can hold. A kept-alive connection idle for {@code idleTimeout} after its last
     * request is closed; a connection whose next bytes take longer than {@code readTimeout} to come
     * (one that sends nothing, or stops in its request line, headers or body) is closed; at most
     * {@code maxConnections} are open at once; a request line and its headers have a size limit.
     */
    public record Limits(Duration idleTimeout, Duration readTimeout, int maxConnections, int maxPrologueBytes, int maxHeaderBytes) {

        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(10), 1024, 4096, 16 * 1024);
    }

    /** Liveness and readiness, as an orchestrator (Kubernetes, systemd's watchdog) asks them. */
    public static final String LIVENESS = "/observe/health/live";
    public static final String READINESS = "/observe/health/ready";

    private final WebServer server;
    private final String host;

    private NodeServer(WebServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Starts on {@code host} and {@code port} (0 picks a free port) with the default limits; returns once it listens. */
    public static NodeServer start(String host, int port, Consumer<HttpRouting.Builder> routes) {
        return start(host, port, Limits.DEFAULT, routes);
    }

    /** Starts on {@code host} and {@code port} (0 picks a free port); returns once it listens. */
    public static NodeServer start(String host, int port, Limits limits, Consumer<HttpRouting.Builder> routes) {
        return start(host, port, limits, List.of(), routes);
    }

    /**
     * The same, with Helidon's health endpoints ({@value #LIVENESS}: the process serves;
     * {@value #READINESS}: every one of {@code readiness} is up, else 503), each check by its name
     * and status; the checks carry no data, which could say more of the node than a probe needs.
     */
    public static NodeServer start(String host, int port, Limits limits, List<HealthCheck> readiness, Consumer<HttpRouting.Builder> routes) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(routes, "routes");
        HealthObserver health = HealthObserver.builder().details(true).useSystemServices(false)
                .update(b -> readiness.forEach(check -> b.addCheck(check, HealthCheckType.READINESS))).build();
        WebServer server = WebServer.builder()
                .featuresDiscoverServices(false)
                // weighed above the routing, so that its endpoints come before the node's fallback
                .addFeature(ObserveFeature.builder().observersDiscoverServices(false).addObserver(health).weight(1_000).build())
                .host(host)
                .port(port)
                .maxPayloadSize(MAX_PAYLOAD_BYTES)
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(limits.idleTimeout().dividedBy(4))
                .maxTcpConnections(limits.maxConnections())
                .connectionOptions(ReadTimeout.of(limits.readTimeout()))
                .addProtocol(Http1Config.builder()
                        .maxPrologueLength(limits.maxPrologueBytes())
                        .maxHeadersSize(limits.maxHeaderBytes())
                        .build())
                .directHandlers(handlers -> {
                    for (EventType type : EventType.values()) {
                        handlers.addHandler(type, NodeServer::direct);
                    }
                })
                .routing(routing -> {
                    routing.error(Exception.class, Routes::problem);
                    Routes.get(routing, "/health", req -> Map.of("status", "up"));
                    routes.accept(routing);
                    Routes.fallback(routing);
                })
                .build()
                .start();
        return new NodeServer(server, host);
    }

    /**
     * What Helidon answers itself, before routing (an unparsable request, a body over
     * {@link #MAX_PAYLOAD_BYTES}), is a problem too. Its message may quote the request, so only
     * the reason phrase is shown.
     */
    private static DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request, EventType type,
                                                          Status status, ServerResponseHeaders headers, String message) {
        int code = status.code() >= 400 && status.code() <= 599 ? status.code() : 400;
        ErrorCode problemCode = code == 413 ? Problem.TOO_LARGE
                : code >= 500 ? Problem.INTERNAL
                : type == EventType.BAD_REQUEST ? Json.MALFORMED
                : Problem.REJECTED;
        Problem problem = Problem.of(code, problemCode, status.reasonPhrase(), null);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .keepAlive(type.keepAlive())
                .entity(Json.write(problem))
                .build();
    }

    /** Starts on {@code 127.0.0.1}. */
    public static NodeServer start(int port, Consumer<HttpRouting.Builder> routes) {
        return start("127.0.0.1", port, routes);
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return server.port();
    }

    /** {@code http://host:port}, where a wildcard bind address is reached through the loopback. */
    public URI uri() {
        String reachable = switch (host) {
            case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
        return URI.create("http://" + reachable + ":" + port());
    }

    @Override
    public void close() {
        server.stop();
    }
}
