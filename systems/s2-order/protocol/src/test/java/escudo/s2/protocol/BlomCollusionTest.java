package escudo.s2.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.crypto.CryptoException;
import escudo.crypto.SecretBox;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collusion bound documented on {@link BlomAuthority}, shown by linear algebra over GF(p). */
class BlomCollusionTest {

    private static final BigInteger P = BlomAuthority.P;
    private static final int K = 3;
    private static final List<String> COLLUDERS = List.of("courier-1", "courier-2", "seller-2", "seller-3");

    @Test
    void kPlusOneCollidersRecoverDAndReadAnotherPairsOrderPart() {
        BlomAuthority authority = BlomAuthority.generate(K, new SecureRandom());
        BlomShare holder = authority.issue("holder:alice");
        BlomShare issuer = authority.issue("issuer.example");
        List<BlomShare> gang = COLLUDERS.stream().map(authority::issue).toList();

        // The holder seals an order; the issuer part is for the issuer alone.
        SplitOrder.Sealed bundle = SplitOrder.seal(SplitOrder.Form.standard(), "order-1", holder, List.of(
                SplitOrder.Part.of(SplitOrder.Role.ISSUER, "issuer.example",
                        Map.of(SplitOrder.CARD_NUMBER, "4111111111111111", SplitOrder.EXPIRY, "2030-12"))));

        // k+1 colluders pool their shares: rows g_iᵀ D = a_iᵀ, i.e. M·D = R, and solve for D.
        BigInteger[][] augmented = new BigInteger[K + 1][];
        for (int i = 0; i <= K; i++) {
            BlomShare share = gang.get(i);
            augmented[i] = concat(BlomShare.generator(share.myId(), K), share.row());
        }
        assertEquals(K + 1, reduce(augmented, K + 1));
        BigInteger[][] d = new BigInteger[K + 1][K + 1];
        for (int r = 0; r <= K; r++) {
            for (int c = 0; c <= K; c++) {
                d[r][c] = augmented[r][K + 1 + c];
            }
        }
        BigInteger stolen = bilinear(BlomShare.generator("holder:alice", K), d, BlomShare.generator("issuer.example", K));
        assertEquals(issuer.fieldKeyWith("holder:alice"), stolen);

        // ... and with it they open the card number.
        SecretBox key = PairKeyDerivation.derive(BlomShare.MODE, BlomShare.toBytes(stolen), "issuer.example", "holder:alice",
                SplitOrder.KEY_PURPOSE);
        SplitOrder.SealedPart part = bundle.partFor("issuer.example");
        byte[] plaintext = key.open(part.ciphertext().toByteArray(), SplitOrder.associatedData("order-1", "holder:alice", "issuer.example",
                SplitOrder.Role.ISSUER, bundle.digest()), "stolen part");
        assertEquals(true, new String(plaintext, StandardCharsets.ISO_8859_1).contains("4111111111111111"));
    }

    @Test
    void kCollidersAreConsistentWithEveryValueOfAnotherPairsKey() {
        BlomAuthority authority = BlomAuthority.generate(K, new SecureRandom());
        List<BlomShare> gang = COLLUDERS.subList(0, K).stream().map(authority::issue).toList();
        BigInteger realKey = authority.issue("holder:alice").fieldKeyWith("issuer.example");

        // k equations in k+1 unknowns per column: rank k, a non-zero h with g_iᵀ h = 0 for every colluder.
        BigInteger[][] m = new BigInteger[K][];
        for (int i = 0; i < K; i++) {
            m[i] = BlomShare.generator(gang.get(i).myId(), K);
        }
        assertEquals(K, reduce(m, K + 1));
        BigInteger[] h = nullVector(m);
        for (BlomShare share : gang) {
            assertEquals(BigInteger.ZERO, dot(BlomShare.generator(share.myId(), K), h));
        }
        // D' = D + t·h·hᵀ is symmetric, gives every colluder the same share, and shifts the victims'
        // key by t·(hᵀg_x)(hᵀg_y) ≠ 0: pick t so that the key becomes any value at all.
        BigInteger c = dot(h, BlomShare.generator("holder:alice", K)).multiply(dot(h, BlomShare.generator("issuer.example", K))).mod(P);
        assertNotEquals(BigInteger.ZERO, c);
        for (BigInteger target : List.of(BigInteger.ZERO, BigInteger.ONE, new BigInteger(255, new SecureRandom()).mod(P))) {
            BigInteger t = target.subtract(realKey).multiply(c.modInverse(P)).mod(P);
            BigInteger[][] d = authority.matrix();
            for (int r = 0; r <= K; r++) {
                for (int col = 0; col <= K; col++) {
                    d[r][col] = d[r][col].add(t.multiply(h[r]).multiply(h[col])).mod(P);
                }
            }
            BlomAuthority alternative = new BlomAuthority(K, d);
            for (BlomShare share : gang) {
                assertArrayEquals(share.row(), alternative.issue(share.myId()).row());
            }
            assertEquals(target, alternative.issue("holder:alice").fieldKeyWith("issuer.example"));
        }
    }

    @Test
    void aColluderOutsideThePairCannotOpenItWithItsOwnShare() {
        BlomAuthority authority = BlomAuthority.generate(K, new SecureRandom());
        BlomShare holder = authority.issue("holder:alice");
        BlomShare seller = authority.issue("seller.example");
        SecretBox mine = seller.pairKey("holder:alice", "p");
        byte[] sealed = holder.pairKey("issuer.example", "p").seal(new byte[] {1}, new byte[0]);
        assertThrows(CryptoException.class, () -> mine.open(sealed, new byte[0], "x"));
    }

    /** Gauss-Jordan elimination mod p on the first {@code columns} columns; returns the rank. */
    static int reduce(BigInteger[][] a, int columns) {
        int rank = 0;
        for (int col = 0; col < columns && rank < a.length; col++) {
            int pivot = -1;
            for (int r = rank; r < a.length; r++) {
                if (a[r][col].signum() != 0) {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            BigInteger[] swap = a[rank];
            a[rank] = a[pivot];
            a[pivot] = swap;
            BigInteger inverse = a[rank][col].modInverse(P);
            for (int c = 0; c < a[rank].length; c++) {
                a[rank][c] = a[rank][c].multiply(inverse).mod(P);
            }
            for (int r = 0; r < a.length; r++) {
                if (r != rank && a[r][col].signum() != 0) {
                    BigInteger factor = a[r][col];
                    for (int c = 0; c < a[r].length; c++) {
                        a[r][c] = a[r][c].subtract(factor.multiply(a[rank][c])).mod(P);
                    }
                }
            }
            rank++;
        }
        return rank;
    }

    /** For a k×(k+1) matrix of rank k in reduced form [I | v]: the null vector (−v, 1). */
    static BigInteger[] nullVector(BigInteger[][] reduced) {
        int n = reduced[0].length;
        BigInteger[] h = new BigInteger[n];
        for (int r = 0; r < reduced.length; r++) {
            h[r] = reduced[r][n - 1].negate().mod(P);
        }
        h[n - 1] = BigInteger.ONE;
        return h;
    }

    static BigInteger dot(BigInteger[] a, BigInteger[] b) {
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < a.length; i++) {
            sum = sum.add(a[i].multiply(b[i]));
        }
        return sum.mod(P);
    }

    static BigInteger bilinear(BigInteger[] x, BigInteger[][] d, BigInteger[] y) {
        BigInteger sum = BigInteger.ZERO;
        for (int r = 0; r < x.length; r++) {
            sum = sum.add(x[r].multiply(dot(d[r], y)));
        }
        return sum.mod(P);
    }

    static BigInteger[] concat(BigInteger[] a, BigInteger[] b) {
        BigInteger[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
