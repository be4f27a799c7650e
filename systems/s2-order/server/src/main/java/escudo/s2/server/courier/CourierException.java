package escudo.s2.server.courier;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A refusal of the courier's own desk. Refusals of the order itself (the bundle, the seller, a
 * replay, an unknown tracking id) are {@link escudo.s2.protocol.OrderException}s with their
 * {@code order.*} codes.
 */
public final class CourierException extends EscudoException {

    /** The delivery cannot move to that state from where it is (e.g. back from DELIVERED). */
    public static final ErrorCode BAD_TRANSITION = ErrorCode.declare("courier.bad-transition", Kind.INVALID);

    CourierException(ErrorCode code, String message) {
        super(code, message);
    }
}
