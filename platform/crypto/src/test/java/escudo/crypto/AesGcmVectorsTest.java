package escudo.crypto;

import static escudo.crypto.Vectors.hex;
import static escudo.crypto.Vectors.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof aes_gcm_test.json through {@link SecretBox#open} and {@link SecretBox#seal}. A box's
 * layout fixes a 96-bit nonce and a 128-bit tag, so every case with those runs, for each AES key
 * size (SecretBox.derive makes 256-bit keys; the cipher path is the same); cases with another nonce
 * length cannot be written as a sealed box and are counted as left out.
 */
class AesGcmVectorsTest {

    @Test
    void everyCaseWithA96BitNonceAndA128BitTagOpensOrIsRefused() {
        JsonNode file = Vectors.load("aes_gcm_test.json");
        assertEquals("AES-GCM", file.get("algorithm").asText());
        Vectors.Tally tally = new Vectors.Tally();
        Map<Integer, Integer> ranByKeySize = new java.util.TreeMap<>();
        Vectors.eachWycheproofTest(file, (group, test) -> {
            String name = name(test);
            String result = test.get("result").asText();
            if (group.get("tagSize").asInt() != 128) {
                tally.filtered("tag not 128 bits");
                return;
            }
            if (group.get("ivSize").asInt() != 96) {
                tally.filtered("nonce not 96 bits");
                return;
            }
            SecretBox box = new SecretBox(new SecretKeySpec(hex(test.get("key")), "AES"));
            byte[] nonce = hex(test.get("iv"));
            byte[] aad = hex(test.get("aad"));
            byte[] plaintext = hex(test.get("msg"));
            byte[] sealed = concat(nonce, hex(test.get("ct")), hex(test.get("tag")));
            switch (result) {
                case "valid" -> {
                    assertArrayEquals(plaintext, box.open(sealed, aad, "vector"), name);
                    assertArrayEquals(plaintext, box.open(box.seal(plaintext, aad), aad, "vector"), name);
                }
                case "invalid" -> Vectors.refused(name, () -> box.open(sealed, aad, "vector"), CryptoException.DECRYPTION_FAILED);
                default -> fail(name + ": unexpected result " + result);
            }
            tally.ran(result);
            ranByKeySize.merge(group.get("keySize").asInt(), 1, Integer::sum);
        });
        tally.assertCounts(Map.of("valid", 116, "invalid", 81), Map.of("nonce not 96 bits", 119));
        assertEquals(Map.of(128, 67, 192, 64, 256, 66), ranByKeySize);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
