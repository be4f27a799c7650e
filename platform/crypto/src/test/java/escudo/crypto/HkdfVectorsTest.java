package escudo.crypto;

import static escudo.crypto.Vectors.hex;
import static escudo.crypto.Vectors.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wycheproof hkdf_sha256_test.json through the HKDF every {@link SecretBox} key is derived with. */
class HkdfVectorsTest {

    @Test
    void everyWycheproofCaseDerivesTheExpectedBytesOrIsRefused() {
        JsonNode file = Vectors.load("hkdf_sha256_test.json");
        assertEquals("HKDF-SHA-256", file.get("algorithm").asText());
        Vectors.Tally tally = new Vectors.Tally();
        Vectors.eachWycheproofTest(file, (group, test) -> {
            String name = name(test);
            byte[] ikm = hex(test.get("ikm"));
            byte[] salt = hex(test.get("salt"));
            byte[] info = hex(test.get("info"));
            int size = test.get("size").asInt();
            String result = test.get("result").asText();
            switch (result) {
                case "valid" -> assertArrayEquals(hex(test.get("okm")), Digest.hkdfSha256(ikm, salt, info, size), name);
                // The only invalid cases ask for more than 255 blocks (8161 bytes): a typed refusal.
                case "invalid" -> Vectors.refused(name, () -> Digest.hkdfSha256(ikm, salt, info, size), CryptoException.BAD_KEY);
                default -> fail(name + ": unexpected result " + result);
            }
            tally.ran(result);
        });
        tally.assertCounts(Map.of("valid", 83, "invalid", 3), Map.of());
    }

    /** SecretBox.derive is HKDF-SHA256 with info "escudo/" + purpose and a 32-byte output: RFC 5869 A.1's inputs. */
    @Test
    void secretBoxKeysAreHkdfSha256OfTheirPurpose() {
        byte[] ikm = java.util.HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = java.util.HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] key = Digest.hkdfSha256(ikm, salt, "escudo/test".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32);
        SecretBox derived = SecretBox.derive(ikm, salt, "test");
        SecretBox direct = new SecretBox(new javax.crypto.spec.SecretKeySpec(key, "AES"));
        byte[] sealed = derived.seal(new byte[] {42}, new byte[0]);
        assertArrayEquals(new byte[] {42}, direct.open(sealed, new byte[0], "box"));
    }
}
