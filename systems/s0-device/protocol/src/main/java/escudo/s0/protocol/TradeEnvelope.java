package escudo.s0.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import java.util.Objects;

/**
 * One protected trade message on the wire (seed 000, Figs. 9-10). The header travels in clear and
 * is the associated data of every layer, so a message cannot be moved to another device, direction,
 * position in the sequence or layer order; {@code body} holds both layers.
 */
public record TradeEnvelope(String deviceId, Direction direction, long counter, LayerOrder order, Bytes body) {

    static final String HEADER_DOMAIN = "escudo/s0/header/v1";

    public TradeEnvelope {
        if (deviceId == null || deviceId.isBlank() || deviceId.length() > 64) {
            throw TradeException.malformed("deviceId must be 1 to 64 characters");
        }
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(order, "order");
        if (counter < 1) {
            throw TradeException.malformed("counters start at 1");
        }
        if (body == null || body.isEmpty() || body.length() > (1 << 20)) {
            throw TradeException.malformed("body must hold 1 byte to 1 MiB");
        }
    }

    /** The associated data every layer is bound to (docs/protocol.md, S0 header). */
    public byte[] header() {
        return header(deviceId, direction, counter, order);
    }

    static byte[] header(String deviceId, Direction direction, long counter, LayerOrder order) {
        return CanonicalWriter.domain(HEADER_DOMAIN).string(deviceId).string(direction.name()).i64(counter).string(order.name()).toByteArray();
    }
}
