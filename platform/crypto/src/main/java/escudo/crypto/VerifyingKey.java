package escudo.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key (RFC 8032, 32 bytes). {@link #verify} returns nothing and throws when the
 * signature is bad, so a caller cannot forget to check a result.
 */
public final class VerifyingKey {

    public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;

    /**
     * Keys already validated. The full check (on the curve, canonical, prime order) costs about as
     * much as a signature verification, and a bank sees the same card and merchant keys again and
     * again; a key's validity never changes, so it is remembered (bounded: cleared when full).
     */
    private static final Map<ByteBuffer, Ed25519.PublicPoint> VALIDATED = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 100_000;

    private final byte[] encoded;
    private final Ed25519.PublicPoint point;

    private VerifyingKey(byte[] encoded, Ed25519.PublicPoint point) {
        this.encoded = encoded;
        this.point = point;
    }

    /** Decodes and validates a 32-byte key: on the curve, canonical, not of small order. */
    public static VerifyingKey of(byte[] encoded) {
        if (encoded == null || encoded.length != LENGTH) {
            throw CryptoException.badKey("an Ed25519 public key has 32 bytes");
        }
        byte[] copy = encoded.clone();
        ByteBuffer cacheKey = ByteBuffer.wrap(copy);
        Ed25519.PublicPoint point = VALIDATED.get(cacheKey);
        if (point == null) {
            point = Ed25519.validatePublicKeyFullExport(copy, 0);
            if (point == null) {
                throw CryptoException.badKey("not a valid Ed25519 public key");
            }
            if (VALIDATED.size() >= MAX_REMEMBERED) {
                VALIDATED.clear();
            }
            VALIDATED.put(cacheKey, point);
        }
        return new VerifyingKey(copy, point);
    }

    public static VerifyingKey ofHex(String hex) {
        try {
            return of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw CryptoException.badKey("public key is not hex");
        }
    }

    /**
     * Verifies a standard Ed25519 signature over {@code message}.
     *
     * @param what names the message in the error, e.g. "CARD-CERT"
     */
    public void verify(byte[] signature, byte[] message, String what) {
        if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE
                || !Ed25519.verify(signature, 0, point, message, 0, message.length)) {
            throw CryptoException.badSignature(what);
        }
    }

    public byte[] bytes() {
        return encoded.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyingKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Ed25519:" + hex();
    }
}
