package escudo.crypto;

import static escudo.crypto.Vectors.hex;
import static escudo.crypto.Vectors.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof ed25519_test.json and RFC 8032 section 7.1 through {@link VerifyingKey} (whose check is
 * cofactorless: {@link CofactorlessVerificationTest}) and {@link SigningKey}; every valid case is
 * also accepted by the JDK's own Ed25519, a verifier that is not ours.
 */
class Ed25519VectorsTest {

    @Test
    void everyWycheproofCaseVerifiesOrIsRefused() {
        JsonNode file = Vectors.load("ed25519_test.json");
        assertEquals("EDDSA", file.get("algorithm").asText());
        Vectors.Tally tally = new Vectors.Tally();
        Vectors.eachWycheproofTest(file, (group, test) -> {
            String name = name(test);
            VerifyingKey key = VerifyingKey.of(hex(group.get("publicKey").get("pk")));
            byte[] message = hex(test.get("msg"));
            byte[] signature = hex(test.get("sig"));
            String result = test.get("result").asText();
            switch (result) {
                case "valid" -> {
                    key.verify(signature, message, name);
                    assertTrue(jdkAccepts(key, message, signature), name + ": the JDK accepts it too");
                }
                case "invalid" -> Vectors.refused(name, () -> key.verify(signature, message, name), CryptoException.BAD_SIGNATURE);
                default -> fail(name + ": unexpected result " + result);
            }
            tally.ran(result);
        });
        tally.assertCounts(Map.of("valid", 88, "invalid", 63), Map.of());
    }

    /** Signing is deterministic (RFC 8032 section 5.1.6): each seed gives the RFC's public key and signature. */
    @Test
    void everyRfc8032TestSignsAndVerifiesAsPublished() {
        JsonNode tests = Vectors.load("rfc8032_7.1.json").get("tests");
        Set<String> inWycheproof = wycheproofValidCases();
        int run = 0;
        for (JsonNode test : tests) {
            String name = test.get("name").asText();
            SigningKey key = SigningKey.fromSeed(hex(test.get("secretKey")));
            byte[] message = hex(test.get("message"));
            byte[] signature = hex(test.get("signature"));
            assertEquals(test.get("publicKey").asText(), key.verifyingKey().hex(), name);
            assertArrayEquals(signature, key.sign(message), name);
            VerifyingKey.ofHex(test.get("publicKey").asText()).verify(signature, message, name);
            if (name.equals("TEST SHA(abc)")) {
                assertArrayEquals(Digest.sha512("abc".getBytes(StandardCharsets.US_ASCII)), message, "the message is SHA-512(abc)");
            } else {
                // The transcription of TEST 1, 2, 3 and 1024 matches Wycheproof's own copies.
                assertTrue(inWycheproof.contains(test.get("publicKey").asText() + test.get("message").asText()
                        + test.get("signature").asText()), name + " is in ed25519_test.json");
            }
            run++;
        }
        assertEquals(5, run);
    }

    private static boolean jdkAccepts(VerifyingKey key, byte[] message, byte[] signature) {
        try {
            byte[] spki = new byte[44];
            System.arraycopy(HexFormat.of().parseHex("302a300506032b6570032100"), 0, spki, 0, 12);
            System.arraycopy(key.bytes(), 0, spki, 12, 32);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Set<String> wycheproofValidCases() {
        Set<String> cases = new HashSet<>();
        Vectors.eachWycheproofTest(Vectors.load("ed25519_test.json"), (group, test) -> {
            if (test.get("result").asText().equals("valid")) {
                cases.add(group.get("publicKey").get("pk").asText() + test.get("msg").asText() + test.get("sig").asText());
            }
        });
        return cases;
    }
}
