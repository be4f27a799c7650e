package escudo.s2.server.seller;

import escudo.core.EscudoException.Kind;
import escudo.s2.protocol.OrderException;

/** The shop's refusals, shared by its parts; none echoes more than 200 characters of input. */
final class Refusals {

    private Refusals() {
    }

    static OrderException malformed(String message) {
        return OrderException.of(OrderException.MALFORMED, message);
    }

    static OrderException replayed(String orderId) {
        return OrderException.of(OrderException.REPLAYED, "order " + orderId + " was already placed");
    }

    static OrderException offerUnknown(String orderId) {
        return OrderException.of(OrderException.OFFER_UNKNOWN,
                "this shop has no open offer " + abbreviate(orderId, 64));
    }

    static OrderException notFound(String orderId) {
        return OrderException.of(OrderException.NOT_FOUND,
                "no order " + (orderId == null ? "" : abbreviate(orderId, 64)) + " of yours at this shop");
    }

    static String abbreviate(String text) {
        return abbreviate(text, 200);
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
