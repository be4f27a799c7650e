package escudo.s4.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class P256Test {

    @Test
    void aPointRoundTripsAndAPointOffTheCurveIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(P256.CURVE);
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        byte[] point = P256.encode(key);
        assertArrayEquals(point, P256.encode(P256.decode(point)));
        byte[] off = point.clone();
        off[64] ^= 0x01; // another y: not on the curve (an invalid-curve point)
        assertThrows(IllegalArgumentException.class, () -> P256.decode(off));
        byte[] compressed = point.clone();
        compressed[0] = 0x02;
        assertThrows(IllegalArgumentException.class, () -> P256.decode(compressed));
        assertThrows(IllegalArgumentException.class, () -> P256.decode(new byte[64]));
    }
}
