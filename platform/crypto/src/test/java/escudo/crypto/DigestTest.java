package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Published test vectors: FIPS 180-2 (SHA-256, SHA-512 of "abc") and RFC 4231 test case 2 (HMAC-SHA256). */
class DigestTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void sha256MatchesFips180AndHashesPartsAsOneConcatenation() {
        byte[] expected = HEX.parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertArrayEquals(expected, Digest.sha256(ascii("abc")));
        assertArrayEquals(expected, Digest.sha256(ascii("a"), new byte[0], ascii("bc")));
    }

    @Test
    void sha512MatchesFips180() {
        assertArrayEquals(HEX.parseHex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
                Digest.sha512(ascii("ab"), ascii("c")));
    }

    @Test
    void hmacSha256MatchesRfc4231() {
        assertArrayEquals(HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                Digest.hmacSha256(ascii("Jefe"), ascii("what do ya want for nothing?")));
    }

    @Test
    void nullPartsAndKeysAreRefused() {
        assertThrows(NullPointerException.class, () -> Digest.sha256(ascii("a"), null));
        assertThrows(NullPointerException.class, () -> Digest.hmacSha256(null, ascii("a")));
    }
}
