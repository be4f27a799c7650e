package escudo.s2.protocol;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.SecretAccess;
import escudo.crypto.SecretBox;
import java.math.BigInteger;

/**
 * A party's secret share in Blom's scheme (see {@link BlomAuthority} for the construction and the
 * collusion bound): the vector a = D·g(myId) of k+1 elements of GF(2^255 − 19). The key with a
 * peer is the field element a · g(peerId), "the identifier of the other party entered into one's
 * own secret" (seed 002), encoded as 32 bytes big-endian and fed to HKDF with both identifiers
 * and the purpose. Every identifier has a key in this mode; whether the peer really is who the
 * identifier names is for the flow to authenticate.
 *
 * <p>The share is a secret: {@link #toString()} shows only the identifier and k, and the only
 * export is {@link #export(SecretAccess)}.
 */
public final class BlomShare implements PairwiseKeys {

    static final String MODE = "blom";
    static final int MAX_K = 1024;
    private static final String SHARE_TAG = "escudo/s2/blom-share/v1";
    private static final String ID_TAG = "escudo/s2/blom-id/v1";
    private static final int ELEMENT_LENGTH = 32;

    private final String myId;
    private final BigInteger[] row;

    BlomShare(String myId, BigInteger[] row) {
        this.myId = PairKeyDerivation.checkId(myId);
        this.row = row.clone();
    }

    @Override
    public String myId() {
        return myId;
    }

    /** The collusion threshold of the system that issued this share. */
    public int k() {
        return row.length - 1;
    }

    @Override
    public SecretBox pairKey(String peerId, String purpose) {
        byte[] shared = toBytes(fieldKeyWith(peerId));
        try {
            return PairKeyDerivation.derive(MODE, shared, myId, peerId, purpose);
        } finally {
            java.util.Arrays.fill(shared, (byte) 0);
        }
    }

    /**
     * The share for sealed storage: canonical("escudo/s2/blom-share/v1", id, u32 k, then k+1
     * field elements as 32-byte big-endian byte strings).
     */
    public byte[] export(SecretAccess access) {
        java.util.Objects.requireNonNull(access, "access");
        CanonicalWriter writer = CanonicalWriter.domain(SHARE_TAG).string(myId).u32(k());
        for (BigInteger element : row) {
            writer.bytes(toBytes(element));
        }
        return writer.toByteArray();
    }

    /** Reads what {@link #export} wrote; anything else is {@code order.malformed}. */
    public static BlomShare restore(byte[] exported) {
        try {
            CanonicalReader reader = CanonicalReader.expect(exported, SHARE_TAG);
            String id = reader.string();
            long k = reader.u32();
            if (k < 1 || k > MAX_K) {
                throw OrderException.malformed("Blom share with an unsupported k");
            }
            BigInteger[] row = new BigInteger[(int) k + 1];
            for (int i = 0; i < row.length; i++) {
                byte[] element = reader.bytes();
                if (element.length != ELEMENT_LENGTH) {
                    throw OrderException.malformed("a Blom share element has 32 bytes");
                }
                row[i] = new BigInteger(1, element);
                if (row[i].compareTo(BlomAuthority.P) >= 0) {
                    throw OrderException.malformed("a Blom share element is not reduced mod p");
                }
            }
            reader.end();
            return new BlomShare(id, row);
        } catch (CryptoException e) {
            throw OrderException.malformed("not a Blom share: " + e.getMessage());
        }
    }

    /** a · g(peer) mod p: the raw common key (package-private: the tests check symmetry and collusion). */
    BigInteger fieldKeyWith(String peerId) {
        BigInteger[] g = generator(PairKeyDerivation.checkId(peerId), k());
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < row.length; i++) {
            sum = sum.add(row[i].multiply(g[i]));
        }
        return sum.mod(BlomAuthority.P);
    }

    /** The share vector (package-private: the collusion test pools shares). */
    BigInteger[] row() {
        return row.clone();
    }

    /** The public generator column g(id) = (1, x, …, x^k), x = SHA-256(canonical(tag, id)) mod p. */
    static BigInteger[] generator(String id, int k) {
        byte[] hash = Digest.sha256(CanonicalWriter.domain(ID_TAG).string(id).toByteArray());
        BigInteger x = new BigInteger(1, hash).mod(BlomAuthority.P);
        BigInteger[] g = new BigInteger[k + 1];
        g[0] = BigInteger.ONE;
        for (int i = 1; i <= k; i++) {
            g[i] = g[i - 1].multiply(x).mod(BlomAuthority.P);
        }
        return g;
    }

    static byte[] toBytes(BigInteger element) {
        byte[] raw = element.toByteArray();
        byte[] out = new byte[ELEMENT_LENGTH];
        int copy = Math.min(raw.length, ELEMENT_LENGTH);
        System.arraycopy(raw, raw.length - copy, out, ELEMENT_LENGTH - copy, copy);
        return out;
    }

    @Override
    public String toString() {
        return "BlomShare[" + myId + ", k=" + k() + "]";
    }
}
