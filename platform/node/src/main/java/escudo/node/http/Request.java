package escudo.node.http;

import escudo.http.Json;
import escudo.core.EscudoException;
import escudo.core.Text;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/** What a route handler sees of its request besides the body: path and query parameters, headers. */
public final class Request {

    private final ServerRequest raw;

    Request(ServerRequest raw) {
        this.raw = raw;
    }

    /**
     * A parameter of the route's path pattern, such as {@code id} in {@code /payments/{id}}: always
     * an id ({@link Text#requireId}), so no decoded {@code %0D%0A}, {@code %2F} or {@code %00}
     * reaches a handler, a header or a log.
     */
    public String path(String name) {
        if (!raw.path().pathParameters().contains(name)) {
            throw new IllegalArgumentException("the route has no path parameter '" + name + "'");
        }
        return Text.requireId(name, raw.path().pathParameters().get(name));
    }

    /** A query parameter, if given ({@code ?limit=10}); a text ({@link Text#requirePlain}). */
    public Optional<String> query(String name) {
        return raw.query().first(name).asOptional().map(value -> Text.requirePlain(name, value));
    }

    /** A query parameter, or {@code defaultValue} when absent. */
    public String query(String name, String defaultValue) {
        return query(name).orElse(defaultValue);
    }

    /** An integer query parameter; a non-integer is refused as {@code request.malformed}. */
    public long queryLong(String name, long defaultValue) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new EscudoException(Json.MALFORMED, "query parameter '" + name + "' must be an integer");
        }
    }

    /** A request header, if given. */
    public Optional<String> header(String name) {
        return raw.headers().first(HeaderNames.create(name));
    }

    /** The request path, such as {@code /merchant/payments/42}. */
    public String pathString() {
        return raw.path().path();
    }

    /** The Helidon request, for what this view does not cover. */
    public ServerRequest raw() {
        return raw;
    }
}
