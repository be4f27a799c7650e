package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MacKeyTest {

    private final byte[] master = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final byte[] salt = "escudo/node-mac/v1/s1-qr-frames".getBytes(StandardCharsets.UTF_8);
    private final byte[] data = "frame 17 of approval apv-1".getBytes(StandardCharsets.UTF_8);

    /** openssl derives the same key (HKDF-SHA256, RFC 5869) and the same tag (HMAC-SHA256, RFC 2104). */
    @Test
    void theKeyAndTheTagAreWhatOpensslComputes() throws Exception {
        HexFormat hex = HexFormat.of();
        String key = OpenSsl.hex(new byte[0], "kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:" + hex.formatHex(master),
                "-kdfopt", "hexsalt:" + hex.formatHex(salt), "-kdfopt", "info:escudo/mac/node-mac", "HKDF");
        String tag = OpenSsl.hex(data, "mac", "-digest", "SHA256", "-macopt", "hexkey:" + key, "HMAC");
        assertEquals(tag, hex.withUpperCase().formatHex(MacKey.derive(master, salt, "node-mac").tag(data)));
    }

    @Test
    void aTagVerifiesOnlyForItsDataUnderItsKey() {
        MacKey key = MacKey.derive(master, salt, "node-mac");
        byte[] tag = key.tag(data);
        assertEquals(32, tag.length);
        assertArrayEquals(tag, MacKey.derive(master, salt, "node-mac").tag(data), "derived again, the same key");
        assertTrue(key.verifies(tag, data));
        byte[] altered = tag.clone();
        altered[0] ^= 1;
        assertFalse(key.verifies(altered, data));
        assertFalse(key.verifies(tag, "frame 18 of approval apv-1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(key.verifies(new byte[0], data));
        assertFalse(key.verifies(null, data));
        assertFalse(MacKey.derive(master, salt, "other-purpose").verifies(tag, data));
        assertFalse(MacKey.derive(master, "another salt".getBytes(StandardCharsets.UTF_8), "node-mac").verifies(tag, data));
    }

    @Test
    void shortKeyMaterialIsRefusedAndTheKeyNeverPrints() {
        assertThrows(CryptoException.class, () -> MacKey.derive(new byte[15], null, "node-mac"));
        assertEquals("MacKey[]", MacKey.derive(master, null, "node-mac").toString());
    }
}
