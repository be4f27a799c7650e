package escudo.node.http;

import escudo.http.Json;
import escudo.http.RequestId;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per request on the logger {@value #LOGGER} (issue 14): time, party, route, method,
 * status, latency, request id, and the incident id of a 5xx. The route is the pattern the request
 * matched ({@code /issuer/customers/{id}}), never its path, query, headers or body, so no card
 * number, key, token or destination reaches the log. The request is served within its
 * {@link RequestId}, which the answer's {@value RequestId#HEADER} names.
 */
public final class AccessLog implements Filter {

    public static final String LOGGER = "escudo.requests";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    /** The incident id {@link Routes#problem} gave a 5xx, for the request's line. */
    record Incident(String id) {
    }

    private final String role;
    private final String party;

    public AccessLog(String role, String party) {
        this.role = role;
        this.party = party;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        String id = RequestId.takeOrMake(req.headers().first(HeaderNames.create(RequestId.HEADER)).orElse(null));
        res.header(RequestId.HEADER, id);
        try {
            RequestId.within(id, chain::proceed);
        } finally {
            if (LOG.isLoggable(Level.INFO)) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                line.put("role", role);
                line.put("party", party);
                line.put("method", req.prologue().method().text());
                line.put("route", req.matchingPattern().orElse("(none)"));
                line.put("status", res.status().code());
                line.put("latencyMs", (System.nanoTime() - started) / 1_000_000.0);
                line.put("requestId", id);
                req.context().get(Incident.class).ifPresent(incident -> line.put("incident", incident.id()));
                LOG.log(Level.INFO, new String(Json.write(line), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }
}
