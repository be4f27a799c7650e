package escudo.s2.protocol;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * The key authority of Blom's scheme (R. Blom, "An optimal class of symmetric key generation
 * systems", EUROCRYPT '84), the "central organization" of seed 002 that hands each party its
 * "secret private key".
 *
 * <p>The authority draws a secret symmetric (k+1)×(k+1) matrix D with entries uniform in GF(p),
 * p = 2^255 − 19. The public generator G has one column per party, the Vandermonde column
 * g(id) = (1, x, x², …, x^k) with x = SHA-256(canonical("escudo/s2/blom-id/v1", id)) mod p. Party
 * i receives row i of A = (D·G)ᵀ, that is the vector a_i = D·g_i (D is symmetric). Its key with
 * party j is a_i · g_j = g_iᵀ D g_j, which equals a_j · g_i because D is symmetric.
 *
 * <p><b>Collusion bound.</b> Any k+1 parties who pool their shares hold D·[g_1 … g_{k+1}], and the
 * Vandermonde matrix of distinct x is invertible, so they recover D and with it every key in the
 * system. Any k parties or fewer learn nothing about the key between two other parties: for every
 * candidate value of that key there is a symmetric D consistent with their shares. Choose k larger
 * than the number of parties that could ever collude (shares also leak with stolen devices); the
 * cost is k+1 field elements per share and k+1 multiplications per key. D itself is the master
 * secret of the whole system: the authority should destroy it once the shares are issued, or keep
 * it sealed offline. This is why X25519 with a {@link KeyDirectory} is the default mode.
 */
public final class BlomAuthority {

    /** The field: p = 2^255 − 19. */
    public static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private final int k;
    private final BigInteger[][] d;

    BlomAuthority(int k, BigInteger[][] d) {
        this.k = k;
        this.d = d;
    }

    /** Draws D for collusion threshold {@code k} (1 ≤ k ≤ 1024) from {@code random}. */
    public static BlomAuthority generate(int k, SecureRandom random) {
        if (k < 1 || k > BlomShare.MAX_K) {
            throw OrderException.malformed("Blom's k must be between 1 and " + BlomShare.MAX_K);
        }
        BigInteger[][] d = new BigInteger[k + 1][k + 1];
        for (int r = 0; r <= k; r++) {
            for (int c = r; c <= k; c++) {
                BigInteger value;
                do {
                    value = new BigInteger(255, random);
                } while (value.compareTo(P) >= 0);
                d[r][c] = value;
                d[c][r] = value;
            }
        }
        return new BlomAuthority(k, d);
    }

    /** The collusion threshold: up to k colluders learn nothing, k+1 learn everything. */
    public int k() {
        return k;
    }

    /** The secret share of party {@code id}: a = D · g(id). Deliver it over a confidential channel. */
    public BlomShare issue(String id) {
        BigInteger[] g = BlomShare.generator(PairKeyDerivation.checkId(id), k);
        BigInteger[] row = new BigInteger[k + 1];
        for (int r = 0; r <= k; r++) {
            BigInteger sum = BigInteger.ZERO;
            for (int c = 0; c <= k; c++) {
                sum = sum.add(d[r][c].multiply(g[c]));
            }
            row[r] = sum.mod(P);
        }
        return new BlomShare(id, row);
    }

    /** A copy of D (package-private: the collusion test builds other matrices consistent with k shares). */
    BigInteger[][] matrix() {
        BigInteger[][] copy = new BigInteger[k + 1][];
        for (int r = 0; r <= k; r++) {
            copy[r] = d[r].clone();
        }
        return copy;
    }

    @Override
    public String toString() {
        return "BlomAuthority[k=" + k + "]";
    }
}
