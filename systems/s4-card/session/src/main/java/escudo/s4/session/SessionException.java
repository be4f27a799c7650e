package escudo.s4.session;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A session message that one end or a hop cannot accept; each refusal has its code (docs/s4-session.md). */
public final class SessionException extends EscudoException {

    /** Bytes that are not a message of the protocol, or a message with a field out of its bounds. */
    public static final ErrorCode MALFORMED = ErrorCode.declare("s4.session-malformed", Kind.INVALID);
    /** A member's or a participant's signature does not verify under the key the provider saw in the key exchange. */
    public static final ErrorCode BAD_SIGNATURE = ErrorCode.declare("s4.bad-member-signature", Kind.UNAUTHENTICATED);
    /** The provider's signature over a reply, or over the combined reply, does not verify. */
    public static final ErrorCode PROVIDER_NOT_AUTHENTIC = ErrorCode.declare("s4.provider-not-authentic", Kind.UNAUTHENTICATED);
    /** The provider knows no member with that card key. */
    public static final ErrorCode UNKNOWN_MEMBER = ErrorCode.declare("s4.unknown-member", Kind.UNAUTHENTICATED);
    /** A reply that answers another member's message, or that this member cannot open. */
    public static final ErrorCode NOT_FOR_THIS_MEMBER = ErrorCode.declare("s4.not-for-this-member", Kind.UNAUTHENTICATED);
    /** The answer to a challenge is missing or wrong: the other end does not hold the session. */
    public static final ErrorCode CHALLENGE_FAILED = ErrorCode.declare("s4.challenge-failed", Kind.UNAUTHENTICATED);
    /** A message already received: a replayed key exchange, transaction or acknowledgement. */
    public static final ErrorCode REPLAYED = ErrorCode.declare("s4.replayed", Kind.CONFLICT);
    /** A message that does not follow the last one of its session (another transcript). */
    public static final ErrorCode OUT_OF_ORDER = ErrorCode.declare("s4.out-of-order", Kind.CONFLICT);
    /** The session ended with its acknowledgement: its keys open nothing more. */
    public static final ErrorCode ENDED = ErrorCode.declare("s4.session-ended", Kind.CONFLICT);
    /** No session of the provider has that transaction id. */
    public static final ErrorCode UNKNOWN_TRANSACTION = ErrorCode.declare("s4.unknown-transaction", Kind.NOT_FOUND);
    /** A combined message without every member of its session, with one twice, or mixing sessions or modes. */
    public static final ErrorCode INCOMPLETE = ErrorCode.declare("s4.session-incomplete", Kind.INVALID);
    /** A combined reply whose parts are not one for each part this hop sent. */
    public static final ErrorCode REPLY_INCOMPLETE = ErrorCode.declare("s4.reply-incomplete", Kind.UNAUTHENTICATED);
    /** The order names an account that is not the member's (its card record names the account). */
    public static final ErrorCode WRONG_ACCOUNT = ErrorCode.declare("s4.wrong-account", Kind.REFUSED);
    /** A card key registered already, for another customer. */
    public static final ErrorCode CARD_KEY_TAKEN = ErrorCode.declare("s4.card-key-taken", Kind.CONFLICT);
    /** The next hop or the provider cannot be reached. */
    public static final ErrorCode HOP_UNREACHABLE = ErrorCode.declare("s4.hop-unreachable", Kind.INTERNAL);

    public SessionException(ErrorCode code, String message) {
        super(code, message);
    }

    public SessionException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
