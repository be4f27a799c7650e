package escudo.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * HMAC-SHA256 (RFC 2104) under a key derived with HKDF-SHA256 from input key material and a
 * purpose label, as {@link SecretBox} derives its keys but under labels of their own
 * ({@code escudo/mac/<purpose>}), so a MAC key and a box key of the same purpose never coincide.
 * A tag that only its holder makes and checks, such as the frames of S1's animated QR code.
 */
public final class MacKey {

    private static final int KEY_LENGTH = 32;

    private final byte[] key;

    private MacKey(byte[] key) {
        this.key = key;
    }

    /** Derives the key: HKDF-SHA256(ikm, salt, info = "escudo/mac/" + purpose). */
    public static MacKey derive(byte[] inputKeyMaterial, byte[] salt, String purpose) {
        Objects.requireNonNull(inputKeyMaterial, "input key material");
        if (inputKeyMaterial.length < 16) {
            throw CryptoException.badKey("key material must have at least 128 bits");
        }
        return new MacKey(Digest.hkdfSha256(inputKeyMaterial, salt, ("escudo/mac/" + purpose).getBytes(StandardCharsets.UTF_8), KEY_LENGTH));
    }

    /** The 32-byte tag of {@code data}. */
    public byte[] tag(byte[] data) {
        return Digest.hmacSha256(key, data);
    }

    /** Whether {@code tag} is the tag of {@code data}, compared in constant time. */
    public boolean verifies(byte[] tag, byte[] data) {
        return tag != null && MessageDigest.isEqual(tag(data), tag);
    }

    @Override
    public String toString() {
        return "MacKey[]";
    }
}
