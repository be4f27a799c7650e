package escudo.s0.protocol;

import escudo.core.EscudoException;

/** A trade message or registration that cannot be accepted; every refusal has its own code. */
public final class TradeException extends EscudoException {

    public static final String MALFORMED = "s0.malformed";
    /** The symmetric layer does not open: wrong serial or secret, or the bytes were altered. */
    public static final String SYMMETRIC_LAYER = "s0.symmetric-layer-invalid";
    /** The device's signature does not verify under its registered key. */
    public static final String BAD_SIGNATURE = "s0.bad-signature";
    /** The layer sealed to the device does not open with its private key. */
    public static final String SEALED_LAYER = "s0.sealed-layer-invalid";
    public static final String REPLAYED = "s0.replayed";
    public static final String WRONG_DEVICE = "s0.wrong-device";
    public static final String WRONG_DIRECTION = "s0.wrong-direction";
    public static final String WRONG_ORDER = "s0.wrong-layer-order";

    public TradeException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static TradeException malformed(String message) {
        return new TradeException(Kind.INVALID, MALFORMED, message);
    }

    static TradeException unauthenticated(String code, String message) {
        return new TradeException(Kind.UNAUTHENTICATED, code, message);
    }
}
