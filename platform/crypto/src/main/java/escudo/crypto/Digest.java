package escudo.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hashes and the MAC Escudo uses, in one place. The parts of a call are hashed as one plain
 * concatenation with no framing, exactly as if {@code update} were called on each: a caller that
 * mixes inputs of variable length frames them first ({@link CanonicalWriter#domain}) or starts
 * with a fixed domain tag followed by fixed-length fields, so two different inputs cannot collide.
 */
public final class Digest {

    public static final int SHA256_LENGTH = 32;
    /** RFC 5869: at most 255 blocks of the hash's output. */
    private static final int HKDF_SHA256_MAX_LENGTH = 255 * SHA256_LENGTH;

    private Digest() {
    }

    /** SHA-256 of the concatenated parts. */
    public static byte[] sha256(byte[]... parts) {
        return hash("SHA-256", parts);
    }

    /** SHA-512 of the concatenated parts. */
    public static byte[] sha512(byte[]... parts) {
        return hash("SHA-512", parts);
    }

    /** HMAC-SHA256 (RFC 2104) of {@code data} under {@code key}. */
    public static byte[] hmacSha256(byte[] key, byte[] data) {
        Objects.requireNonNull(data, "data");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Objects.requireNonNull(key, "key"), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }

    /** HKDF-SHA256 (RFC 5869) on the JDK's KDF: what {@link SecretBox#derive} derives its keys with. */
    static byte[] hkdfSha256(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length) {
        Objects.requireNonNull(inputKeyMaterial, "input key material");
        Objects.requireNonNull(info, "info");
        if (length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
            throw CryptoException.badKey("HKDF-SHA256 derives 1 to " + HKDF_SHA256_MAX_LENGTH + " bytes");
        }
        try {
            return KDF.getInstance("HKDF-SHA256").deriveData(HKDFParameterSpec.ofExtract()
                    .addIKM(inputKeyMaterial)
                    .addSalt(salt == null ? new byte[0] : salt)
                    .thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is in every JDK 25", e);
        }
    }

    private static byte[] hash(String algorithm, byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            for (byte[] part : parts) {
                digest.update(Objects.requireNonNull(part, "part"));
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is in every JDK", e);
        }
    }
}
