package escudo.http;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * JSON over HTTP to another party at a base URI. A problem document in the answer is thrown as an
 * {@link EscudoException} with the server's kind, code and detail, so a refusal reads the same on
 * both sides; a party that cannot be reached (refused, timed out, connection lost) is
 * {@code INTERNAL party.unreachable}. Thread-safe; close it to release its connections.
 */
public final class PartyClient implements AutoCloseable {

    /** The path given is no valid request path. */
    public static final ErrorCode BAD_PATH = ErrorCode.declare("party.bad-path", Kind.INVALID);
    /** The party answered with a status or body this client cannot use. */
    public static final ErrorCode BAD_RESPONSE = ErrorCode.declare("party.bad-response", Kind.INTERNAL);
    /** The party answered an HTTP error without a problem document; the kind follows the status. */
    public static final ErrorCode ERROR = ErrorCode.declare("party.error", Kind.INTERNAL);
    /** No connection, or no answer in time. */
    public static final ErrorCode UNREACHABLE = ErrorCode.declare("party.unreachable", Kind.INTERNAL);

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUri;
    private final String base;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final String bearerToken;

    public PartyClient(URI baseUri) {
        this(baseUri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** A client that presents {@code bearerToken} (the bank's operator token for desk operations). */
    public PartyClient(URI baseUri, String bearerToken) {
        this(baseUri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, bearerToken);
    }

    public PartyClient(URI baseUri, Duration connectTimeout, Duration requestTimeout) {
        this(baseUri, connectTimeout, requestTimeout, null);
    }

    private PartyClient(URI baseUri, Duration connectTimeout, Duration requestTimeout, String bearerToken) {
        this.bearerToken = bearerToken;
        this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
        if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
            throw new IllegalArgumentException("a party is reached over http(s), not " + baseUri);
        }
        String text = baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** POSTs {@code body} as JSON to {@code path} (such as {@code /issuer/deposits}) and reads the answer. */
    public <T> T post(String path, Object body, Class<T> responseType) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)))
                .build(), responseType);
    }

    /** PUTs {@code body} as JSON to {@code path}: sets what is there to it. */
    public <T> T put(String path, Object body, Class<T> responseType) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)))
                .build(), responseType);
    }

    /** GETs {@code path} (with its query, if any) and reads the answer. */
    public <T> T get(String path, Class<T> responseType) {
        return send(request(path).GET().build(), responseType);
    }

    private HttpRequest.Builder request(String path) {
        URI uri;
        try {
            uri = URI.create(base + (path.startsWith("/") ? path : "/" + path));
        } catch (IllegalArgumentException e) {
            throw new EscudoException(BAD_PATH, "'" + path + "' is not a valid request path");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", "application/json, " + Problem.MEDIA_TYPE);
        RequestId.current().ifPresent(id -> builder.header(RequestId.HEADER, id));
        return bearerToken == null ? builder : builder.header("Authorization", "Bearer " + bearerToken);
    }

    /**
     * Returns null for {@code 204 No Content} or when {@code responseType} is {@code Void}, and the
     * body as it came when it is {@code byte[]} (an image, say); anything else is read as JSON.
     */
    private <T> T send(HttpRequest request, Class<T> responseType) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(why(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted while waiting for the answer", e);
        }
        int status = response.statusCode();
        byte[] body = response.body();
        if (status >= 400) {
            throw failure(request, response);
        }
        if (status == 204 || responseType == Void.class) {
            return null;
        }
        if (status < 200 || status >= 300) {
            throw new EscudoException(BAD_RESPONSE,
                    request.method() + " " + request.uri() + " answered HTTP " + status);
        }
        if (responseType == byte[].class) {
            return responseType.cast(body);
        }
        try {
            return Json.read(body, responseType);
        } catch (EscudoException e) {
            throw new EscudoException(BAD_RESPONSE, request.method() + " " + request.uri()
                    + " answered with an unreadable " + responseType.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static EscudoException failure(HttpRequest request, HttpResponse<byte[]> response) {
        boolean isProblem = response.headers().firstValue("Content-Type")
                .map(type -> type.startsWith(Problem.MEDIA_TYPE)).orElse(false);
        Problem problem = isProblem ? Json.readProblem(response.body()) : null;
        if (problem != null) {
            try {
                return problem.toException();
            } catch (IllegalArgumentException notACode) {
                // a problem document whose code is no code: reported as the bare HTTP error below
            }
        }
        return new EscudoException(Problem.kind(response.statusCode()), ERROR,
                request.method() + " " + request.uri() + " answered HTTP " + response.statusCode());
    }

    private EscudoException unreachable(String why, Exception cause) {
        return new EscudoException(UNREACHABLE, baseUri + " is unreachable: " + why, cause);
    }

    private String why(IOException e) {
        return switch (e) {
            case HttpConnectTimeoutException t -> "no connection within " + connectTimeout.toMillis() + " ms";
            case HttpTimeoutException t -> "no answer within " + requestTimeout.toMillis() + " ms";
            case ConnectException c -> "connection refused";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }

    @Override
    public void close() {
        http.close();
    }
}
