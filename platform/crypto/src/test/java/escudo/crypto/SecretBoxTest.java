package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final byte[] master = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final SecretBox box = SecretBox.derive(master, "card-42".getBytes(StandardCharsets.UTF_8), "card-state");
    private final byte[] plaintext = "balance=1000".getBytes(StandardCharsets.UTF_8);
    private final byte[] context = "card-42".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedBytesOpenWithTheSameKeyAndContext() {
        byte[] sealed = box.seal(plaintext, context);
        assertArrayEquals(plaintext, box.open(sealed, context, "card state"));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("balance"));
    }

    /** Sealed by the box before its HKDF moved to {@link Digest}: the derived key must not change. */
    @Test
    void boxesSealedEarlierStillOpen() {
        byte[] sealedEarlier = java.util.HexFormat.of().parseHex(
                "801756bdf52678a19b5aa7ce3053373894b22e8c702a0aba5a2c5fe29028fe3054930e4f47f4ab8c");
        assertArrayEquals(plaintext, box.open(sealedEarlier, context, "card state"));
    }

    @Test
    void everySealUsesAFreshNonce() {
        assertFalse(java.util.Arrays.equals(box.seal(plaintext, context), box.seal(plaintext, context)));
    }

    @Test
    void tamperedBytesWrongContextOrWrongPurposeAreRefused() {
        byte[] sealed = box.seal(plaintext, context);
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertEquals(CryptoException.DECRYPTION_FAILED,
                    assertThrows(CryptoException.class, () -> box.open(tampered, context, "card state")).code());
        }
        assertThrows(CryptoException.class, () -> box.open(sealed, "card-43".getBytes(StandardCharsets.UTF_8), "card state"));
        SecretBox otherPurpose = SecretBox.derive(master, context, "bank-key");
        assertThrows(CryptoException.class, () -> otherPurpose.open(sealed, context, "card state"));
        assertThrows(CryptoException.class, () -> box.open(new byte[5], context, "card state"));
    }
}
