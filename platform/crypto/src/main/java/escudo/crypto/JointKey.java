package escudo.crypto;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
import java.security.SecureRandom;

/**
 * The S3 joint signing key (seed 003, Fig. 7, with Schnorr over edwards25519 instead of a prime
 * field): the secret scalar is S_U + S_C and the public key is P = P_U + P_C. A signature is a
 * standard RFC 8032 Ed25519 signature (R || S) under P, so any stock Ed25519 verifier accepts it.
 *
 * <p>Ed25519 derives its secret scalar from a seed by hashing and clamping; a sum of two shares
 * has no seed, so signing follows RFC 8032 §5.1.6 with the scalar given directly. The nonce is
 * hedged: SHA-512 over a key only the card has, 32 fresh random bytes and the message, so
 * neither a broken random generator nor a repeated message can repeat a nonce for different data.
 */
public final class JointKey {

    private static final byte[] NONCE_DOMAIN = "escudo/s3/joint-nonce/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Scalar secret;
    private final byte[] nonceKey;
    private final VerifyingKey publicKey;

    private JointKey(KeyShare user, KeyShare bank) {
        this.secret = user.scalar().add(bank.scalar());
        if (secret.equals(Scalar.ZERO)) {
            throw CryptoException.badKey("the key shares cancel out");
        }
        this.publicKey = combine(user.publicShare(), bank.publicShare());
        byte[] digest = Digest.sha512(NONCE_DOMAIN, user.scalar().toByteArray(), bank.scalar().toByteArray());
        this.nonceKey = java.util.Arrays.copyOf(digest, 32);
    }

    /** Joins the user's and the bank's share; only the card ever does this. */
    public static JointKey of(KeyShare user, KeyShare bank) {
        return new JointKey(user, bank);
    }

    /** P = P_U + P_C: what the bank certifies and any verifier recomputes from the two public shares. */
    public static VerifyingKey combine(VerifyingKey userShare, VerifyingKey bankShare) {
        EdwardsPoint sum = decode(userShare).add(decode(bankShare));
        if (sum.isSmallOrder()) {
            throw CryptoException.badKey("the public shares cancel out");
        }
        return VerifyingKey.of(sum.compress().toByteArray());
    }

    public VerifyingKey publicKey() {
        return publicKey;
    }

    /** An Ed25519 signature (64 bytes) over {@code message} under {@link #publicKey()}. */
    public byte[] sign(byte[] message) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Scalar r = Scalar.fromBytesModOrderWide(Digest.sha512(nonceKey, fresh, message));
        byte[] encodedR = Constants.ED25519_BASEPOINT_TABLE.multiply(r).compress().toByteArray();
        Scalar k = Scalar.fromBytesModOrderWide(Digest.sha512(encodedR, publicKey.bytes(), message));
        byte[] s = k.multiplyAndAdd(secret, r).toByteArray();
        byte[] signature = new byte[64];
        System.arraycopy(encodedR, 0, signature, 0, 32);
        System.arraycopy(s, 0, signature, 32, 32);
        return signature;
    }

    private static EdwardsPoint decode(VerifyingKey key) {
        try {
            return new CompressedEdwardsY(key.bytes()).decompress();
        } catch (InvalidEncodingException e) {
            throw CryptoException.badKey("not a point of edwards25519");
        }
    }

    @Override
    public String toString() {
        return "JointKey(" + publicKey + ")";
    }
}
