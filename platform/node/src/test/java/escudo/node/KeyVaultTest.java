package escudo.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.EscudoException;
import escudo.crypto.CryptoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's key vault: keys sealed under the master key, stable across opens, refused under another key. */
class KeyVaultTest {

    @TempDir
    Path dir;

    @Test
    void theKeyVaultSealsKeysUnderTheMasterKeyAndRefusesAnotherOne() throws Exception {
        KeyVault vault = KeyVault.open(dir.resolve("data"), Map.of());
        SigningKey key = vault.signingKey("issuer");
        assertEquals(key.verifyingKey(), KeyVault.open(dir.resolve("data"), Map.of()).signingKey("issuer").verifyingKey());
        byte[] file = Files.readAllBytes(dir.resolve("data/keys/issuer.key"));
        assertFalse(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(key.verifyingKey().hex()));
        KeyVault other = KeyVault.open(dir.resolve("data"), Map.of(KeyVault.MASTER_KEY_VARIABLE, "11".repeat(32)));
        assertEquals(CryptoException.DECRYPTION_FAILED, assertThrows(EscudoException.class, () -> other.signingKey("issuer")).code());
        assertEquals(KeyVault.BAD_MASTER_KEY, assertThrows(EscudoException.class,
                () -> KeyVault.open(dir.resolve("x"), Map.of(KeyVault.MASTER_KEY_VARIABLE, "not-hex"))).code());
    }

    @Test
    void theKeyVaultKeepsSealKeysSealedAndDerivesStableBoxes() throws Exception {
        KeyVault vault = KeyVault.open(dir.resolve("vault"), Map.of());
        Hpke.Recipient key = vault.sealKey("issuer-registration");
        KeyVault again = KeyVault.open(dir.resolve("vault"), Map.of());
        assertArrayEquals(key.publicKey(), again.sealKey("issuer-registration").publicKey());
        byte[] file = Files.readAllBytes(dir.resolve("vault").resolve("keys").resolve("issuer-registration.x25519"));
        byte[] secret = key.privateKey(SecretAccess.forSealedStorage());
        assertFalse(java.util.HexFormat.of().formatHex(file).contains(java.util.HexFormat.of().formatHex(secret)));

        byte[] sealed = vault.box("issuer-devices").seal(new byte[] {1, 2, 3}, new byte[0]);
        assertArrayEquals(new byte[] {1, 2, 3}, again.box("issuer-devices").open(sealed, new byte[0], "test"));
        assertThrows(EscudoException.class, () -> again.box("other-purpose").open(sealed, new byte[0], "test"));
        KeyVault other = KeyVault.open(dir.resolve("vault"), Map.of(KeyVault.MASTER_KEY_VARIABLE, "11".repeat(32)));
        assertThrows(EscudoException.class, () -> other.sealKey("issuer-registration"));
        assertThrows(IllegalArgumentException.class, () -> vault.box("Not A Name"));
    }

    @Test
    void theOperatorTokenIsTheEnvironmentsOrAFreshOneKeptOnDiskAndAShortOneIsRefused() {
        KeyVault vault = KeyVault.open(dir.resolve("node"), Map.of());
        String fresh = vault.operatorToken(Map.of());
        assertEquals(64, fresh.length());
        assertEquals(fresh, KeyVault.open(dir.resolve("node"), Map.of()).operatorToken(Map.of()));
        String configured = "t".repeat(32);
        assertEquals(configured, vault.operatorToken(Map.of(KeyVault.OPERATOR_TOKEN_VARIABLE, configured)));
        EscudoException refused = assertThrows(EscudoException.class,
                () -> vault.operatorToken(Map.of(KeyVault.OPERATOR_TOKEN_VARIABLE, "short-secret")));
        assertEquals(KeyVault.WEAK_OPERATOR_TOKEN, refused.code());
        assertFalse(refused.getMessage().contains("short-secret"));
    }
}
