package escudo.crypto;

import static escudo.crypto.Vectors.hex;
import static escudo.crypto.Vectors.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof x25519_test.json through {@link X25519#agree}, {@link X25519#checkNotSmallOrder} and
 * {@link Hpke#seal}. The file has no invalid case; its "acceptable" ones are Escudo's choice:
 * <ul>
 *   <li>a public key of small order (the shared secret is all zeros; RFC 7748 section 6.1 lets a
 *       party check for it) is refused as {@code crypto.weak-key}, never with an unchecked exception:
 *       such a key reached users as an HTTP 500 when the JDK or BouncyCastle threw IllegalStateException;</li>
 *   <li>every other acceptable key (on the twist, non-canonical u, edge cases of the arithmetic) is
 *       computed exactly as RFC 7748 says and must give the file's shared secret.</li>
 * </ul>
 */
class X25519VectorsTest {

    private static final byte[] CONTEXT = "vector".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyWycheproofCaseAgreesOrIsRefusedAsAWeakKey() {
        JsonNode file = Vectors.load("x25519_test.json");
        assertEquals("XDH", file.get("algorithm").asText());
        Vectors.Tally tally = new Vectors.Tally();
        Vectors.eachWycheproofTest(file, (group, test) -> {
            assertEquals("curve25519", group.get("curve").asText());
            String name = name(test);
            PrivateKey mine = X25519.privateKey(hex(test.get("private")));
            byte[] peer = hex(test.get("public"));
            byte[] shared = hex(test.get("shared"));
            boolean allZero = Arrays.equals(shared, new byte[X25519.KEY_LENGTH]);
            String result = test.get("result").asText();
            switch (result) {
                case "valid" -> {
                    assertFalse(allZero, name);
                    assertArrayEquals(shared, X25519.agree(mine, peer), name);
                    X25519.checkNotSmallOrder(peer);
                    tally.ran("valid");
                }
                case "acceptable" -> {
                    if (allZero) {
                        Vectors.refused(name, () -> X25519.agree(mine, peer), CryptoException.WEAK_KEY);
                        Vectors.refused(name, () -> X25519.checkNotSmallOrder(peer), CryptoException.WEAK_KEY);
                        Vectors.refused(name, () -> Hpke.seal(peer, "i", CONTEXT, new byte[1]), CryptoException.WEAK_KEY);
                        tally.ran("acceptable, small order: refused as crypto.weak-key");
                    } else {
                        assertArrayEquals(shared, X25519.agree(mine, peer), name);
                        X25519.checkNotSmallOrder(peer);
                        tally.ran("acceptable, not small order: computed");
                    }
                }
                default -> fail(name + ": unexpected result " + result);
            }
        });
        tally.assertCounts(Map.of("valid", 264,
                "acceptable, small order: refused as crypto.weak-key", 31,
                "acceptable, not small order: computed", 223), Map.of());
    }

    /** The bug: an all-zero key made the agreement, or a seal to it, throw IllegalStateException (HTTP 500). */
    @Test
    void anAllZeroPublicKeyIsAWeakKeyNotAFault() {
        byte[] zero = new byte[X25519.KEY_LENGTH];
        Vectors.refused("agree", () -> X25519.agree(X25519.generate().getPrivate(), zero), CryptoException.WEAK_KEY);
        Vectors.refused("check", () -> X25519.checkNotSmallOrder(zero), CryptoException.WEAK_KEY);
        Vectors.refused("seal", () -> Hpke.seal(zero, "escudo/s3/bank-share/v1", CONTEXT, new byte[32]), CryptoException.WEAK_KEY);
    }

    /** The list checkNotSmallOrder refuses without an agreement is exactly what the JDK's agreement refuses. */
    @Test
    void everySmallOrderEncodingIsRefusedByTheListAndByTheAgreement() {
        HexFormat hex = HexFormat.of();
        PrivateKey mine = X25519.generate().getPrivate();
        for (String u : new String[] {"00", "01", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", "ec", "ed", "ee"}) {
            byte[] key = u.length() == 64 ? hex.parseHex(u)
                    : hex.parseHex(u + (u.equals("00") || u.equals("01") ? "00".repeat(31) : "ff".repeat(30) + "7f"));
            for (byte topBit : new byte[] {0, (byte) 0x80}) {
                byte[] encoding = key.clone();
                encoding[31] |= topBit;
                String name = hex.formatHex(encoding);
                Vectors.refused(name, () -> X25519.checkNotSmallOrder(encoding), CryptoException.WEAK_KEY);
                Vectors.refused(name, () -> X25519.agree(mine, encoding), CryptoException.WEAK_KEY);
            }
        }
        byte[] ordinary = X25519.rawPublic(X25519.generate().getPublic());
        assertArrayEquals(ordinary, X25519.checkNotSmallOrder(ordinary));
        Vectors.refused("31 bytes", () -> X25519.checkNotSmallOrder(new byte[31]), CryptoException.BAD_KEY);
        Vectors.refused("31 bytes", () -> Hpke.seal(new byte[31], "i", CONTEXT, new byte[1]), CryptoException.BAD_KEY);
    }
}
