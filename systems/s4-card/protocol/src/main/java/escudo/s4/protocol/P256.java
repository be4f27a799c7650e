package escudo.s4.protocol;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/** The card's curve, secp256r1 (P-256), and its points as the card sends them: uncompressed, {@code 04 ‖ x ‖ y} (SEC 1, section 2.3.3). */
public final class P256 {

    public static final ECParameterSpec CURVE = curve();
    private static final int COORDINATE = 32;

    private P256() {
    }

    /** The uncompressed point of {@code key}. */
    public static byte[] encode(ECPublicKey key) {
        byte[] out = new byte[CardCommands.POINT_LENGTH];
        out[0] = 0x04;
        coordinate(key.getW().getAffineX(), out, 1);
        coordinate(key.getW().getAffineY(), out, 1 + COORDINATE);
        return out;
    }

    /** The public key of an uncompressed point; a point off the curve or of another form is an {@link IllegalArgumentException}. */
    public static ECPublicKey decode(byte[] point) {
        if (point.length != CardCommands.POINT_LENGTH || point[0] != 0x04) {
            throw new IllegalArgumentException("an uncompressed P-256 point has 65 bytes and starts with 04");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + COORDINATE));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + COORDINATE, point.length));
        if (!onCurve(x, y)) {
            throw new IllegalArgumentException("not a point of P-256");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), CURVE));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a point of P-256", e);
        }
    }

    /** y² = x³ + ax + b (mod p), both coordinates below p: an invalid-curve point gives a peer's secret away in ECDH. */
    private static boolean onCurve(BigInteger x, BigInteger y) {
        BigInteger p = ((java.security.spec.ECFieldFp) CURVE.getCurve().getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(CURVE.getCurve().getA().multiply(x)).add(CURVE.getCurve().getB()).mod(p);
        return y.modPow(BigInteger.TWO, p).equals(right);
    }

    private static void coordinate(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, COORDINATE);
        System.arraycopy(bytes, bytes.length - length, out, offset + COORDINATE - length, length);
    }

    private static ECParameterSpec curve() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is in every JDK", e);
        }
    }
}
