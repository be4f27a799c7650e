package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {

    @Test
    void bytesValuesEncodeExactlyLikeByteArrays() {
        byte[] raw = {0, 1, (byte) 0xff};
        assertArrayEquals(CanonicalWriter.domain("t/v1").bytes(raw).toByteArray(),
                CanonicalWriter.domain("t/v1").bytes(escudo.core.Bytes.of(raw)).toByteArray());
    }

    @Test
    void encodingIsTheDocumentedByteLayout() {
        byte[] encoded = CanonicalWriter.domain("t/v1").u8(7).u32(258).i64(-2).string("é").bytes(new byte[] {9}).toByteArray();
        assertEquals("00000004" + "742f7631" + "07" + "00000102" + "fffffffffffffffe" + "00000002c3a9" + "0000000109",
                HexFormat.of().formatHex(encoded));
    }

    @Test
    void readerRoundTripsWhatTheWriterWrote() {
        byte[] encoded = CanonicalWriter.domain("t/v1").u8(255).u32(0xFFFF_FFFFL).i64(Long.MIN_VALUE).string("ok").bytes(new byte[] {1, 2}).toByteArray();
        CanonicalReader reader = CanonicalReader.expect(encoded, "t/v1");
        assertEquals(255, reader.u8());
        assertEquals(0xFFFF_FFFFL, reader.u32());
        assertEquals(Long.MIN_VALUE, reader.i64());
        assertEquals("ok", reader.string());
        assertArrayEquals(new byte[] {1, 2}, reader.bytes());
        reader.end();
    }

    @Test
    void wrongTagTruncationTrailingBytesAndBadUtf8AreMalformed() {
        byte[] encoded = CanonicalWriter.domain("t/v1").u32(5).toByteArray();
        assertEquals(CryptoException.MALFORMED, assertThrows(CryptoException.class, () -> CanonicalReader.expect(encoded, "t/v2")).code());
        assertThrows(CryptoException.class, () -> CanonicalReader.expect(java.util.Arrays.copyOf(encoded, encoded.length - 1), "t/v1").u32());
        CanonicalReader trailing = CanonicalReader.expect(encoded, "t/v1");
        assertThrows(CryptoException.class, trailing::end);
        byte[] badUtf8 = HexFormat.of().parseHex("00000004742f763100000001ff");
        assertThrows(CryptoException.class, () -> CanonicalReader.expect(badUtf8, "t/v1").string());
        assertThrows(CryptoException.class, () -> CanonicalReader.expect(null, "t/v1"));
    }

    @Test
    void textThatIsNotValidUnicodeIsRefusedNotReplaced() {
        assertEquals(CryptoException.MALFORMED,
                assertThrows(CryptoException.class, () -> CanonicalWriter.domain("t/v1").string("a\uD800b")).code());
    }
}
