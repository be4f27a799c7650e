package escudo.core;

import java.util.Objects;

/**
 * The one unchecked failure every Escudo module throws. The {@link #code()} is stable (it is the
 * {@code type} of the HTTP problem document and what a caller branches on); the message is for
 * humans and never carries secrets.
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

    private final String code;
    private final Kind kind;

    public EscudoException(Kind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public EscudoException(Kind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Stable machine-readable code, such as {@code ledger.insufficient-funds}. */
    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }
}
