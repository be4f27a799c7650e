package escudo.s0.server.issuer;

import escudo.core.EscudoException;

/**
 * A registration or trade message the trade centre refuses; nothing was written. Refusals of the
 * channel itself (symmetric layer, signature, header, replay) are {@link escudo.s0.protocol.TradeException}s
 * with the codes listed there; these are the centre's own.
 */
public final class TradeCenterException extends EscudoException {

    /** The enrolment code is wrong, used, expired or not for that customer (UNAUTHENTICATED). */
    public static final String BAD_ENROLMENT = "s0.bad-enrolment";
    /** No device with that id is registered here (NOT_FOUND). */
    public static final String UNKNOWN_DEVICE = "s0.unknown-device";
    /** The device was revoked; it can no longer trade (REFUSED). */
    public static final String DEVICE_REVOKED = "s0.device-revoked";
    /** The device key is already registered to a device (CONFLICT). */
    public static final String KEY_REGISTERED = "s0.device-key-registered";
    /** An own transfer names an account other than "current" or "savings" (answered as a refusal). */
    public static final String UNKNOWN_ACCOUNT = "s0.unknown-account";

    TradeCenterException(Kind kind, String code, String message) {
        super(kind, code, message);
    }
}
