package escudo.crypto;

import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.Scalar;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * One party's share of an S3 joint key: a secret scalar s modulo the order of the edwards25519
 * base point, and its public point s·B (an Ed25519 public key). Seed 003 calls the user's share
 * (S_U, P_U) and the bank's (S_C, P_C); the card holds both, nobody else holds the sum.
 */
public final class KeyShare {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Scalar scalar;
    private final VerifyingKey publicShare;

    private KeyShare(Scalar scalar) {
        if (scalar.equals(Scalar.ZERO)) {
            throw CryptoException.badKey("a key share must not be zero");
        }
        this.scalar = scalar;
        this.publicShare = VerifyingKey.of(Constants.ED25519_BASEPOINT_TABLE.multiply(scalar).compress().toByteArray());
    }

    /** A fresh uniformly random share: 64 random bytes reduced modulo the group order. */
    public static KeyShare generate() {
        byte[] wide = new byte[64];
        RANDOM.nextBytes(wide);
        return new KeyShare(Scalar.fromBytesModOrderWide(wide));
    }

    /** Restores a share from its 32-byte canonical little-endian scalar (sealed storage only). */
    public static KeyShare fromBytes(byte[] canonicalScalar) {
        try {
            return new KeyShare(Scalar.fromCanonicalBytes(Objects.requireNonNull(canonicalScalar)));
        } catch (IllegalArgumentException e) {
            throw CryptoException.badKey("not a canonical edwards25519 scalar");
        }
    }

    public VerifyingKey publicShare() {
        return publicShare;
    }

    public byte[] toBytes(SecretAccess access) {
        Objects.requireNonNull(access, "access");
        return scalar.toByteArray();
    }

    Scalar scalar() {
        return scalar;
    }

    @Override
    public String toString() {
        return "KeyShare(" + publicShare + ")";
    }
}
