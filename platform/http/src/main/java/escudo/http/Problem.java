package escudo.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.util.Objects;

/**
 * An RFC 9457 problem document, served as {@value #MEDIA_TYPE}. {@code code} is the stable
 * {@link EscudoException#code()} and {@code type} is {@value #TYPE_BASE}{@code <code>}; the HTTP
 * status carries the {@link Kind}, so a client rebuilds the same exception with {@link #toException()}.
 *
 * @param instance the request path the problem occurred on, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://escudo.dev/problems/";

    // The codes of what the HTTP layer refuses by itself, before any module sees the request.
    /** No route for the path. */
    public static final ErrorCode NO_ROUTE = ErrorCode.declare("request.not-found", Kind.NOT_FOUND);
    /** A route for the path, but not for the method (405). */
    public static final ErrorCode METHOD_NOT_ALLOWED = ErrorCode.declare("request.method-not-allowed", Kind.INVALID);
    /** The body is larger than the server takes (413). */
    public static final ErrorCode TOO_LARGE = ErrorCode.declare("request.too-large", Kind.INVALID);
    /** The body stopped arriving for longer than the server's read timeout (408). */
    public static final ErrorCode TIMED_OUT = ErrorCode.declare("request.timed-out", Kind.INVALID);
    /** A body of another media type than the route takes (415). */
    public static final ErrorCode UNSUPPORTED_MEDIA_TYPE = ErrorCode.declare("request.unsupported-media-type", Kind.INVALID);
    /** Too many requests from one client address to a party's open endpoints (429, with {@code Retry-After}). */
    public static final ErrorCode RATE_LIMITED = ErrorCode.declare("request.rate-limited", Kind.REFUSED);
    /** Any other refusal of the HTTP layer itself. */
    public static final ErrorCode REJECTED = ErrorCode.declare("request.rejected", Kind.INVALID);
    /** A fault on our side that is no {@link EscudoException}; the detail names only an incident id. */
    public static final ErrorCode INTERNAL = ErrorCode.declare("internal", Kind.INTERNAL);

    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
        }
    }

    /** The problem a failure is shown as; the message of the exception becomes the detail. */
    public static Problem of(EscudoException e, String instance) {
        return of(status(e.kind()), e.code(), String.valueOf(e.getMessage()), instance);
    }

    public static Problem of(int status, ErrorCode code, String detail, String instance) {
        return of(status, code.value(), detail, instance);
    }

    private static Problem of(int status, String code, String detail, String instance) {
        return new Problem(TYPE_BASE + code, title(status), status, detail, code, instance);
    }

    /** The same problem told in other words: same status, code and instance. */
    public Problem withDetail(String detail) {
        return new Problem(type, title, status, detail, code, instance);
    }

    /** The HTTP status of a kind of failure. */
    public static int status(Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case REFUSED -> 422;
            case INTERNAL -> 500;
        };
    }

    /** The kind of failure an HTTP error status stands for; the inverse of {@link #status(Kind)}. */
    public static Kind kind(int status) {
        return switch (status) {
            case 401, 403 -> Kind.UNAUTHENTICATED;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 422, 429 -> Kind.REFUSED;
            default -> status >= 400 && status < 500 ? Kind.INVALID : Kind.INTERNAL;
        };
    }

    /**
     * The same failure on the client side: same kind, code and detail. The code is the owner's
     * constant when this side knows it, so a caller matches it by identity.
     *
     * @throws IllegalArgumentException if {@code code} is not a well-formed code
     */
    public EscudoException toException() {
        Kind kind = kind(status);
        return new EscudoException(kind, ErrorCode.decode(code, kind), detail);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 401 -> "Not authenticated";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 413 -> "Content too large";
            case 422 -> "Refused";
            case 429 -> "Too many requests";
            case 500 -> "Internal error";
            default -> status < 500 ? "Request rejected" : "Server error";
        };
    }
}
