package escudo.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hashes and the MAC Escudo uses, in one place. The parts of a call are hashed as one plain
 * concatenation with no framing, exactly as if {@code update} were called on each: a caller that
 * mixes inputs of variable length frames them first ({@link CanonicalWriter#domain}) or starts
 * with a fixed domain tag followed by fixed-length fields, so two different inputs cannot collide.
 */
public final class Digest {

    public static final int SHA256_LENGTH = 32;

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
