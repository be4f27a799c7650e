package escudo.crypto;

import static escudo.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The RFC 9180 test vectors of DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 through {@link Hpke}.
 * Escudo uses one suite, base mode with AES-256-GCM, and its API seals or opens one message per
 * encapsulation (sequence number 0) and exports no secret: the vectors of other modes or AEADs,
 * later sequence numbers and exports cannot be expressed and are counted as left out.
 */
class HpkeVectorsTest {

    private static final int BASE_MODE = 0;
    private static final int DHKEM_X25519_HKDF_SHA256 = 0x20;
    private static final int HKDF_SHA256 = 1;
    private static final int AES_256_GCM = 2;

    @Test
    void everyVectorOfEscudosSuiteOpensThroughTheRecipient() {
        JsonNode suites = Vectors.load("hpke_rfc9180_x25519_sha256.json");
        Vectors.Tally tally = new Vectors.Tally();
        for (JsonNode suite : suites) {
            String name = "mode " + suite.get("mode") + " aead " + suite.get("aead_id");
            assertEquals(DHKEM_X25519_HKDF_SHA256, suite.get("kem_id").asInt(), name);
            assertEquals(HKDF_SHA256, suite.get("kdf_id").asInt(), name);
            // The KEM is Escudo's in every suite of the file: its recipient key pair derives the same public key.
            Hpke.Recipient recipient = Hpke.Recipient.fromPrivateKey(hex(suite.get("skRm")));
            assertArrayEquals(hex(suite.get("pkRm")), recipient.publicKey(), name);
            if (suite.get("mode").asInt() != BASE_MODE) {
                tally.filtered("suite: not base mode");
                continue;
            }
            if (suite.get("aead_id").asInt() != AES_256_GCM) {
                tally.filtered("suite: AEAD not AES-256-GCM");
                continue;
            }
            byte[] infoBytes = hex(suite.get("info"));
            String info = new String(infoBytes, StandardCharsets.UTF_8);
            assertArrayEquals(infoBytes, info.getBytes(StandardCharsets.UTF_8), name + ": Escudo's info is a UTF-8 string");
            byte[] enc = hex(suite.get("enc"));
            JsonNode encryptions = suite.get("encryptions");
            JsonNode first = encryptions.get(0);
            assertArrayEquals(hex(suite.get("base_nonce")), hex(first.get("nonce")), name + ": sequence number 0");
            byte[] aad = hex(first.get("aad"));
            byte[] plaintext = hex(first.get("pt"));
            byte[] sealed = concat(enc, hex(first.get("ct")));
            assertArrayEquals(plaintext, recipient.open(sealed, info, aad, "vector"), name);
            tally.ran("valid");

            // Derived from the valid one: a flipped bit anywhere, or other associated data, does not open.
            for (int i : new int[] {0, 31, 32, sealed.length - 1}) {
                byte[] tampered = sealed.clone();
                tampered[i] ^= 1;
                Vectors.refused(name + " byte " + i, () -> recipient.open(tampered, info, aad, "vector"),
                        CryptoException.DECRYPTION_FAILED);
                tally.ran("invalid (derived: a flipped bit)");
            }
            Vectors.refused(name, () -> recipient.open(sealed, info, Arrays.copyOf(aad, aad.length + 1), "vector"),
                    CryptoException.DECRYPTION_FAILED);
            tally.ran("invalid (derived: other associated data)");
            // Sealing picks a fresh ephemeral key, so the vector's ciphertext cannot be reproduced; what
            // is sealed to the vector's recipient opens with its private key.
            assertArrayEquals(plaintext, recipient.open(Hpke.seal(hex(suite.get("pkRm")), info, aad, plaintext), info, aad, "vector"), name);

            for (int sequence = 1; sequence < encryptions.size(); sequence++) {
                tally.filtered("encryption: sequence number > 0");
            }
            for (int i = 0; i < suite.get("exports").size(); i++) {
                tally.filtered("export: no secret export");
            }
        }
        tally.assertCounts(Map.of("valid", 1, "invalid (derived: a flipped bit)", 4, "invalid (derived: other associated data)", 1),
                Map.of("suite: not base mode", 12, "suite: AEAD not AES-256-GCM", 3,
                        "encryption: sequence number > 0", 256, "export: no secret export", 3));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
