package escudo.s0.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import escudo.core.Bytes;
import org.junit.jupiter.api.Test;

/** A trade envelope is a value: it compares by content, and no array it was built from or handed out can change it. */
class TradeEnvelopeTest {

    private static TradeEnvelope envelope(byte[] body) {
        return new TradeEnvelope("dev-1", Direction.TO_ISSUER, 7, LayerOrder.SYMMETRIC_INSIDE, Bytes.of(body));
    }

    @Test
    void envelopesWithTheSameContentAreEqual() {
        TradeEnvelope one = envelope(new byte[] {1, 2, 3});
        TradeEnvelope same = envelope(new byte[] {1, 2, 3});
        assertEquals(one, same);
        assertEquals(one.hashCode(), same.hashCode());
        assertNotEquals(one, envelope(new byte[] {1, 2, 4}));
    }

    @Test
    void changingTheArrayItWasBuiltFromOrTheOneItHandsOutChangesNothing() {
        byte[] body = {1, 2, 3};
        TradeEnvelope envelope = envelope(body);
        body[0] = 9;
        envelope.body().toByteArray()[1] = 9;
        assertEquals(Bytes.of(new byte[] {1, 2, 3}), envelope.body());
        assertEquals(envelope(new byte[] {1, 2, 3}), envelope);
    }
}
