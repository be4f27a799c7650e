package escudo.node.http;

import escudo.http.Json;
import escudo.http.Problem;
import escudo.core.EscudoException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import escudo.core.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Typed JSON routes on a Helidon {@link HttpRules} (an {@code HttpRouting.Builder} or a service).
 * A handler returns the response value: any object is {@code 200} JSON, a {@link Created} is
 * {@code 201}, null is {@code 204}. Whatever it throws becomes an RFC 9457 {@link Problem} (a
 * {@link RateLimit.Exceeded} a {@code 429} with {@code Retry-After}):
 * <pre>{@code
 * Routes.post(routing, "/issuer/deposits", DepositRequest.class, (body, req) -> issuer.deposit(body));
 * Routes.get(routing, "/merchant/payments/{id}", req -> merchant.payment(req.path("id")));
 * }</pre>
 * With {@link #fallback(HttpRules)} registered last (as {@link NodeServer} does), an unknown path
 * is a {@code 404} problem and a known path with another method a {@code 405} problem.
 */
public final class Routes {

    private static final System.Logger LOG = System.getLogger(Routes.class.getName());
    private static final String JSON = "application/json";
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._:@+-]{1,64}){0,12}/?");

    /** Handles a request with a JSON body of type {@code B}. */
    @FunctionalInterface
    public interface BodyHandler<B> {
        Object handle(B body, Request request);
    }

    /** Handles a request without a body. */
    @FunctionalInterface
    public interface RequestHandler {
        Object handle(Request request);
    }

    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:;"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private Routes() {
    }

    public static <B> void post(HttpRules rules, String path, Class<B> bodyType, BodyHandler<? super B> handler) {
        withBody(rules, Method.POST, path, bodyType, handler);
    }

    public static <B> void put(HttpRules rules, String path, Class<B> bodyType, BodyHandler<? super B> handler) {
        withBody(rules, Method.PUT, path, bodyType, handler);
    }

    /**
     * A POST whose body is bytes of {@code mediaType}, not JSON (an OCSP request, a CMP message):
     * another {@code Content-Type} is {@code 415 request.unsupported-media-type}; the same size
     * limit and read timeout hold.
     */
    public static void postBytes(HttpRules rules, String path, String mediaType, BodyHandler<byte[]> handler) {
        route(rules, Method.POST, path, (req, res) -> {
            boolean typed = req.headers().contentType().map(type -> type.mediaType().text().equalsIgnoreCase(mediaType)).orElse(false);
            if (!typed) {
                throw new EscudoException(Problem.UNSUPPORTED_MEDIA_TYPE, "the body must be " + mediaType);
            }
            reply(res, handler.handle(req.content().hasEntity() ? body(req) : new byte[0], new Request(req)));
        });
    }

    public static void get(HttpRules rules, String path, RequestHandler handler) {
        route(rules, Method.GET, path, (req, res) -> reply(res, handler.handle(new Request(req))));
    }

    /**
     * Serves a page with its script and style: each of {@code files} (an {@code .html}, {@code .js}
     * or {@code .css} resource next to {@code owner}) at {@code prefix} and its name, the page's
     * without {@code .html}; read once, served as is (pages get the strict policy of {@link #reply}).
     */
    public static void page(HttpRules rules, String prefix, Class<?> owner, String... files) {
        for (String file : files) {
            byte[] content;
            try (var in = owner.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("the page's " + file + " is missing from the build");
                }
                content = in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : file.endsWith(".css") ? "text/css; charset=utf-8" : null;
            if (type == null) {
                throw new IllegalArgumentException("a page is HTML, JavaScript and CSS: " + file);
            }
            get(rules, prefix + file.substring(file.lastIndexOf('/') + 1).replace(".html", ""), req -> Binary.of(type, content));
        }
    }

    public static void delete(HttpRules rules, String path, RequestHandler handler) {
        route(rules, Method.DELETE, path, (req, res) -> reply(res, handler.handle(new Request(req))));
    }

    /**
     * Answers every request no earlier route took: {@code 405 request.method-not-allowed} (with an
     * {@code Allow} header) when a route of this class matched the path with another method, else
     * {@code 404 request.not-found}. Register it last.
     */
    public static void fallback(HttpRules rules) {
        rules.any((req, res) -> {
            Set<String> allowed = req.context().get(AllowedMethods.class, AllowedMethods.class)
                    .map(AllowedMethods::methods).orElse(Set.of());
            if (allowed.isEmpty()) {
                send(res, Problem.of(404, Problem.NO_ROUTE, "no route for this method and path", instance(req)));
            } else {
                res.header(HeaderNames.ALLOW, String.join(", ", allowed));
                send(res, Problem.of(405, Problem.METHOD_NOT_ALLOWED, "this path takes " + String.join(" or ", allowed),
                        instance(req)));
            }
        });
    }

    /**
     * Answers a failure as a problem document. An {@link EscudoException} shows its kind, code and
     * message; anything else is logged with its stack trace under an incident id and answered
     * {@code 500 internal} with a generic detail naming only that id.
     */
    public static void problem(ServerRequest req, ServerResponse res, Throwable failure) {
        String instance = instance(req);
        if (failure instanceof RateLimit.Exceeded e && !res.isSent()) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()));
        }
        Problem problem = switch (failure) {
            case EscudoException e when e.code() == Problem.TOO_LARGE -> Problem.of(413, Problem.TOO_LARGE, e.getMessage(), instance);
            case EscudoException e when e.code() == Problem.RATE_LIMITED -> Problem.of(429, Problem.RATE_LIMITED, e.getMessage(), instance);
            case EscudoException e when e.code() == Problem.TIMED_OUT -> Problem.of(408, Problem.TIMED_OUT, e.getMessage(), instance);
            case EscudoException e when e.code() == Problem.UNSUPPORTED_MEDIA_TYPE ->
                    Problem.of(415, Problem.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), instance);
            case EscudoException e -> Problem.of(e, instance);
            case HttpException e when e.status().code() < 500 -> Problem.of(e.status().code(), switch (e.status().code()) {
                case 404 -> Problem.NO_ROUTE;
                case 413 -> Problem.TOO_LARGE;
                default -> Problem.REJECTED;
            }, e.status().reasonPhrase(), instance);
            default -> null;
        };
        if (problem == null || problem.status() >= 500) {
            String incident = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            req.context().register(new AccessLog.Incident(incident));
            LOG.log(Level.ERROR, "incident " + incident + ": " + req.prologue().method().text() + " "
                    + Text.forLog(req.path().path()) + " failed", failure);
            // A fault on our side is described in the log only: its message may name tables or SQL.
            problem = problem == null
                    ? Problem.of(500, Problem.INTERNAL, "the server failed to process the request (incident " + incident + ")", instance)
                    : problem.withDetail("the server failed to process the request (incident " + incident + ")");
        }
        if (res.isSent()) {
            LOG.log(Level.WARNING, "cannot send problem " + problem.code() + ": the response was already sent");
            return;
        }
        send(res, problem);
    }

    /**
     * The request path as a problem's {@code instance} shows it: only when it is made of what a path
     * of ours holds, so that a problem document never echoes a crafted path back.
     */
    private static String instance(ServerRequest req) {
        String path = req.path().path();
        return SAFE_PATH.matcher(path).matches() ? path : null;
    }

    private static <B> void withBody(HttpRules rules, Method method, String path, Class<B> bodyType,
                                     BodyHandler<? super B> handler) {
        route(rules, method, path, (req, res) -> {
            byte[] bytes = req.content().hasEntity() ? body(req) : new byte[0];
            reply(res, handler.handle(Json.read(bytes, bodyType), new Request(req)));
        });
    }

    /**
     * The body, refused as {@code request.too-large} past {@link NodeServer#MAX_PAYLOAD_BYTES}
     * however it is sent: the server refuses a declared length over the limit itself, this read
     * catches a chunked body that grows past it.
     */
    private static byte[] body(ServerRequest req) throws IOException {
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes((int) NodeServer.MAX_PAYLOAD_BYTES + 1);
        } catch (RequestException e) {
            throw e.status().code() == 413 ? tooLarge() : unreadable(e);
        } catch (CloseConnectionException | UncheckedIOException e) {
            if (timedOut(e)) { // the read timeout of NodeServer.Limits: the client, not a fault of ours
                throw new EscudoException(Problem.TIMED_OUT, "the body stopped arriving", e);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw unreadable(e); // Helidon 4.3's chunked decoder on a chunk size it does not parse, such as one with an extension
        }
        if (bytes.length > NodeServer.MAX_PAYLOAD_BYTES) {
            throw tooLarge();
        }
        return bytes;
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static EscudoException unreadable(RuntimeException cause) {
        return new EscudoException(Json.MALFORMED, "the body could not be read as sent", cause);
    }

    private static EscudoException tooLarge() {
        return new EscudoException(Problem.TOO_LARGE, "the body is larger than " + NodeServer.MAX_PAYLOAD_BYTES + " bytes");
    }

    private static void route(HttpRules rules, Method method, String path, Handler handler) {
        rules.route(method, path, (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (Exception e) {
                problem(req, res, e);
            }
        });
        // for the same path with another method: remember this one for a 405, let later routes try
        rules.any(path, (req, res) -> {
            AllowedMethods allowed = req.context().get(AllowedMethods.class, AllowedMethods.class).orElseGet(() -> {
                AllowedMethods created = new AllowedMethods(new TreeSet<>());
                req.context().register(AllowedMethods.class, created);
                return created;
            });
            allowed.methods().add(method.text());
            res.next();
        });
    }

    private static void reply(ServerResponse res, Object result) {
        if (result instanceof EventStream stream) {
            stream(res, stream);
            return;
        }
        if (result instanceof Binary binary) {
            res.header(HeaderNames.CONTENT_TYPE, binary.mediaType());
            res.header(NOSNIFF, "nosniff");
            if (binary.mediaType().startsWith("text/html")) {
                // a page of ours loads only its own script and style, talks only to its node, and is framed by nobody;
                // its images are its node's, or ones it fetched from there itself (blob:, as S1's QR frames)
                res.header(CONTENT_SECURITY_POLICY, PAGE_POLICY);
                res.header(REFERRER_POLICY, "no-referrer");
            }
            res.send(binary.content().toByteArray());
            return;
        }
        Object body = result instanceof Created created ? created.body() : result;
        byte[] json = body == null ? null : Json.write(body); // may fail: nothing is set on res yet
        if (result instanceof Created created) {
            res.status(201);
            if (created.location() != null) {
                res.header(HeaderNames.LOCATION, created.location());
            }
        } else if (json == null) {
            res.status(204);
        }
        if (json == null) {
            res.send();
        } else {
            res.header(HeaderNames.CONTENT_TYPE, JSON);
            res.send(json);
        }
    }

    private static void stream(ServerResponse res, EventStream stream) {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(NOSNIFF, "nosniff");
        try (OutputStream out = res.outputStream()) {
            stream.producer().accept(new EventStream.Sink() {
                @Override
                public boolean send(String event, String data) {
                    if (!Text.isPlain(event) || !Text.isPlain(data) || event.isBlank()) {
                        throw new IllegalArgumentException("an event and its data are one plain line each");
                    }
                    return write(out, "event: " + event + "\ndata: " + data + "\n\n");
                }

                @Override
                public boolean keepAlive() {
                    return write(out, ":\n\n");
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // the client went away while the stream closed: nothing to tell it
        }
    }

    private static boolean write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static void send(ServerResponse res, Problem problem) {
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(Json.write(problem));
    }

    private record AllowedMethods(Set<String> methods) {
    }
}
