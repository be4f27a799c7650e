package escudo.s0.server.issuer;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A registration or trade message the trade centre refuses; nothing was written. Refusals of the
 * channel itself (symmetric layer, signature, header, replay) are {@link escudo.s0.protocol.TradeException}s
 * with the codes listed there; these are the centre's own.
 */
public final class TradeCenterException extends EscudoException {

    /** The enrolment code is wrong, used, expired or not for that customer (UNAUTHENTICATED). */
    public static final ErrorCode BAD_ENROLMENT = ErrorCode.declare("s0.bad-enrolment", Kind.UNAUTHENTICATED);
    /** No device with that id is registered here (NOT_FOUND). */
    public static final ErrorCode UNKNOWN_DEVICE = ErrorCode.declare("s0.unknown-device", Kind.NOT_FOUND);
    /** The device was revoked; it can no longer trade (REFUSED). */
    public static final ErrorCode DEVICE_REVOKED = ErrorCode.declare("s0.device-revoked", Kind.REFUSED);
    /** The device key is already registered to a device (CONFLICT). */
    public static final ErrorCode KEY_REGISTERED = ErrorCode.declare("s0.device-key-registered", Kind.CONFLICT);
    /** An own transfer names an account other than "current" or "savings" (answered as a refusal). */
    public static final ErrorCode UNKNOWN_ACCOUNT = ErrorCode.declare("s0.unknown-account", Kind.INVALID);
    /** A registered device's sealed secrets do not open with this node's storage key. */
    public static final ErrorCode SECRETS_UNREADABLE = ErrorCode.declare("s0.device-secrets-unreadable", Kind.INTERNAL);

    TradeCenterException(ErrorCode code, String message) {
        super(code, message);
    }
}
