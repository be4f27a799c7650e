package escudo.s2.server.courier;

import escudo.core.EscudoException;

/**
 * A refusal of the courier's own desk. Refusals of the order itself (the bundle, the seller, a
 * replay, an unknown tracking id) are {@link escudo.s2.protocol.OrderException}s with their
 * {@code order.*} codes.
 */
public final class CourierException extends EscudoException {

    /** The delivery cannot move to that state from where it is (e.g. back from DELIVERED). */
    public static final String BAD_TRANSITION = "courier.bad-transition";

    CourierException(Kind kind, String code, String message) {
        super(kind, code, message);
    }
}
