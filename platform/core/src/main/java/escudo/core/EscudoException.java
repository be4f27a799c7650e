package escudo.core;

import java.util.Objects;

/**
 * The one unchecked failure every Escudo module throws. The {@link #code()} is stable (its value is
 * the {@code code} and {@code type} of the HTTP problem document) and is what a caller branches on,
 * by identity with the owner's constant; the message is for humans and never carries secrets.
 */
public class EscudoException extends RuntimeException {

    /** What kind of failure this is, so a transport can map it without knowing each code. */
    public enum Kind {
        /** The input is malformed or violates a rule of the protocol. */
        INVALID,
        /** The caller could not be authenticated or its signature does not verify. */
        UNAUTHENTICATED,
        /** Something named in the request does not exist. */
        NOT_FOUND,
        /** The request is well-formed but refused by business rules (funds, blacklist, lock). */
        REFUSED,
        /** The request conflicts with what was already recorded (replay, duplicate id). */
        CONFLICT,
        /** A fault on our side; the request changed nothing. */
        INTERNAL
    }

    private final ErrorCode code;
    private final Kind kind;

    /** A failure of {@code code}'s own kind. */
    public EscudoException(ErrorCode code, String message) {
        this(code.kind(), code, message, null);
    }

    public EscudoException(ErrorCode code, String message, Throwable cause) {
        this(code.kind(), code, message, cause);
    }

    /**
     * A failure of another kind than its code's: a code that another party answered with and that
     * is relayed as a different failure here (a seller shows the issuer's decline reason as a
     * refusal), or one rebuilt from the status a transport carried it with.
     */
    public EscudoException(Kind kind, ErrorCode code, String message) {
        this(kind, code, message, null);
    }

    private EscudoException(Kind kind, ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code, such as {@code LedgerException.INSUFFICIENT_FUNDS}; its value is the wire form. */
    public ErrorCode code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }
}
