package escudo.crypto;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
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
    private static final int POINT_LENGTH = 32;

    /**
     * Keys already validated, in the two forms verification needs. The full check (on the curve,
     * canonical, prime order) costs about as much as a signature verification, and a bank sees the
     * same card and merchant keys again and again; a key's validity never changes, so it is
     * remembered (bounded: cleared when full).
     */
    private static final Map<ByteBuffer, Point> VALIDATED = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 100_000;

    /** A validated key as BouncyCastle verifies with it, and as -A for the cofactorless equation. */
    private record Point(Ed25519.PublicPoint bouncyCastle, EdwardsPoint negated) {
    }

    private final byte[] encoded;
    private final Point point;

    private VerifyingKey(byte[] encoded, Point point) {
        this.encoded = encoded;
        this.point = point;
    }

    /** Decodes and validates a 32-byte key: on the curve, canonical, of the prime order L. */
    public static VerifyingKey of(byte[] encoded) {
        if (encoded == null || encoded.length != LENGTH) {
            throw CryptoException.badKey("an Ed25519 public key has 32 bytes");
        }
        byte[] copy = encoded.clone();
        ByteBuffer cacheKey = ByteBuffer.wrap(copy);
        Point point = VALIDATED.get(cacheKey);
        if (point == null) {
            Ed25519.PublicPoint validated = Ed25519.validatePublicKeyFullExport(copy, 0);
            if (validated == null) {
                throw CryptoException.badKey("not a valid Ed25519 public key");
            }
            try {
                point = new Point(validated, new CompressedEdwardsY(copy).decompress().negate());
            } catch (InvalidEncodingException e) {
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
     * Verifies a standard Ed25519 signature (R || S) over {@code message}, strictly, so that every
     * stock verifier accepts what this one accepts. BouncyCastle verifies it as before, but its
     * equation is cofactored ([8][S]B = [8]R + [8][k]A) and also holds when R carries a component of
     * small order, which OpenSSL, the JDK and node refuse: so [S]B - [k]A, with k = SHA-512(R || A ||
     * M), must also encode to exactly the bytes of R (RFC 8032 section 5.1.7 with the cofactorless
     * equation, as they check it). An R of small order is refused too, as libsodium does; with A of
     * prime order, the only one the equation can yield is the neutral element.
     *
     * @param what names the message in the error, e.g. "CARD-CERT"
     */
    public void verify(byte[] signature, byte[] message, String what) {
        if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE
                || !Ed25519.verify(signature, 0, point.bouncyCastle(), message, 0, message.length)
                || !cofactorlessEquationHolds(signature, message)) {
            throw CryptoException.badSignature(what);
        }
    }

    private boolean cofactorlessEquationHolds(byte[] signature, byte[] message) {
        byte[] encodedR = Arrays.copyOf(signature, POINT_LENGTH);
        Scalar s;
        try {
            s = Scalar.fromCanonicalBytes(Arrays.copyOfRange(signature, POINT_LENGTH, Ed25519.SIGNATURE_SIZE));
        } catch (IllegalArgumentException e) {
            return false; // S is not below L; BouncyCastle has refused it already
        }
        Scalar k = Scalar.fromBytesModOrderWide(Digest.sha512(encodedR, encoded, message));
        EdwardsPoint r = EdwardsPoint.vartimeDoubleScalarMultiplyBasepoint(k, point.negated(), s);
        return !r.isIdentity() && Arrays.equals(r.compress().toByteArray(), encodedR);
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
