package escudo.node.http;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator token of a node's desk. Desk endpoints (opening accounts, issuing cards, the key
 * directory, a merchant's till, payments and deposits, a courier's delivery updates) need
 * {@code Authorization: Bearer <token>}; protocol endpoints authenticate by their own signatures or
 * pairwise keys and are open (those that create rows behind a {@link RateLimit}).
 */
public final class Desk {

    /** An operator endpoint called without the operator's token. */
    public static final ErrorCode OPERATOR_ONLY = ErrorCode.declare("node.operator-only", Kind.UNAUTHENTICATED);

    private final byte[] expected;
    private final String what;

    /** {@code what} names the desk in the refusal, such as "a bank desk operation". */
    public Desk(String token, String what) {
        if (token == null || token.length() < 32) {
            throw new IllegalArgumentException("an operator token has at least 32 characters");
        }
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.what = what;
    }

    /** Refuses the request with {@code node.operator-only} unless it carries the token (compared in constant time). */
    public void require(Request req) {
        String presented = req.header("Authorization").orElse("");
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new EscudoException(OPERATOR_ONLY,
                    "this is " + what + ": it needs the operator token");
        }
    }

    /** {@link #require} then {@code work}. */
    public <T> T only(Request req, java.util.function.Supplier<T> work) {
        require(req);
        return work.get();
    }
}
