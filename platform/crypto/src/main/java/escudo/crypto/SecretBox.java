package escudo.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under a key derived with HKDF-SHA256 from input key material and a purpose label,
 * so one master secret yields independent keys per use (domain separation). Every seal takes a
 * fresh random 96-bit nonce and associated data naming the context, so a sealed blob cannot be
 * moved to another context. Layout: nonce (12) || ciphertext || tag (16).
 */
public final class SecretBox {

    private static final int KEY_LENGTH = 32;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    /** Package-private for the published AES-GCM vectors, which open with their own keys. */
    SecretBox(SecretKey key) {
        this.key = key;
    }

    /** Derives the box key: HKDF-SHA256(ikm, salt, info = "escudo/" + purpose). */
    public static SecretBox derive(byte[] inputKeyMaterial, byte[] salt, String purpose) {
        Objects.requireNonNull(inputKeyMaterial, "input key material");
        if (inputKeyMaterial.length < 16) {
            throw CryptoException.badKey("key material must have at least 128 bits");
        }
        byte[] key = Digest.hkdfSha256(inputKeyMaterial, salt, ("escudo/" + purpose).getBytes(StandardCharsets.UTF_8), KEY_LENGTH);
        try {
            return new SecretBox(new SecretKeySpec(key, "AES"));
        } finally {
            Arrays.fill(key, (byte) 0); // SecretKeySpec holds its own copy
        }
    }

    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_LENGTH);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_LENGTH);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to encrypt", e);
        }
    }

    /** Opens a sealed blob; throws {@code crypto.decryption-failed} if key, data or context differ. */
    public byte[] open(byte[] sealed, byte[] associatedData, String what) {
        if (sealed == null || sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw CryptoException.decryptionFailed(what);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_LENGTH));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw CryptoException.decryptionFailed(what);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to decrypt", e);
        }
    }
}
