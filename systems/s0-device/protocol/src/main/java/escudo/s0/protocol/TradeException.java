package escudo.s0.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A trade message or registration that cannot be accepted; every refusal has its own code. */
public final class TradeException extends EscudoException {

    public static final ErrorCode MALFORMED = ErrorCode.declare("s0.malformed", Kind.INVALID);
    /** The symmetric layer does not open: wrong serial or secret, or the bytes were altered. */
    public static final ErrorCode SYMMETRIC_LAYER = ErrorCode.declare("s0.symmetric-layer-invalid", Kind.UNAUTHENTICATED);
    /** The device's signature does not verify under its registered key. */
    public static final ErrorCode BAD_SIGNATURE = ErrorCode.declare("s0.bad-signature", Kind.UNAUTHENTICATED);
    /** The layer sealed to the device does not open with its private key. */
    public static final ErrorCode SEALED_LAYER = ErrorCode.declare("s0.sealed-layer-invalid", Kind.UNAUTHENTICATED);
    public static final ErrorCode REPLAYED = ErrorCode.declare("s0.replayed", Kind.CONFLICT);
    public static final ErrorCode WRONG_DEVICE = ErrorCode.declare("s0.wrong-device", Kind.INVALID);
    public static final ErrorCode WRONG_DIRECTION = ErrorCode.declare("s0.wrong-direction", Kind.INVALID);
    public static final ErrorCode WRONG_ORDER = ErrorCode.declare("s0.wrong-layer-order", Kind.INVALID);

    public TradeException(ErrorCode code, String message) {
        super(code, message);
    }

    static TradeException malformed(String message) {
        return new TradeException(MALFORMED, message);
    }
}
