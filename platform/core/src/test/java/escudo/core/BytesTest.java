package escudo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BytesTest {

    record Signed(String id, Bytes signature) {
    }

    @Test
    void equalContentIsEqualAndHashesAlike() {
        Bytes a = Bytes.of(new byte[] {1, 2, 3});
        Bytes b = Bytes.of(new byte[] {1, 2, 3});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Bytes.of(new byte[] {1, 2, 4}));
        assertNotEquals(a, Bytes.of(new byte[] {1, 2}));
        assertNotEquals(a, (Object) new byte[] {1, 2, 3});
        assertEquals(new Signed("x", a), new Signed("x", b), "a record holding bytes compares by content");
    }

    @Test
    void neitherTheArrayGivenNorTheArrayReturnedCanChangeTheValue() {
        byte[] source = {1, 2, 3};
        Bytes bytes = Bytes.of(source);
        source[0] = 9;
        bytes.toByteArray()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, bytes.toByteArray());
    }

    @Test
    void hexAndBase64AreTheStandardEncodings() {
        Bytes bytes = Bytes.of(new byte[] {1, 2, 3, (byte) 0xff});
        assertEquals("010203ff", bytes.hex());
        assertEquals("AQID/w==", bytes.base64());
        assertEquals(bytes, Bytes.ofHex("010203FF"));
        assertEquals(4, bytes.length());
        assertFalse(bytes.isEmpty());
        assertTrue(Bytes.EMPTY.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Bytes.ofHex("0g"));
    }

    @Test
    void toStringShowsTheLengthButNeverTheContent() {
        Bytes secret = Bytes.ofHex("deadbeef");
        assertEquals("Bytes(4)", secret.toString());
        assertFalse(new Signed("x", secret).toString().contains("deadbeef"));
    }

    @Test
    void nullIsRefused() {
        assertThrows(NullPointerException.class, () -> Bytes.of(null));
        assertThrows(NullPointerException.class, () -> Bytes.ofHex(null));
    }
}
