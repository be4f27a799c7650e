package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/**
 * A signature the bank clears must be one every stock verifier accepts. BouncyCastle checks the
 * cofactored equation [8][S]B = [8]R + [8][k]A, which also holds when R carries a component of
 * small order; OpenSSL, the JDK (and so node) check the cofactorless [S]B = R + [k]A and refuse
 * such a signature. {@link VerifyingKey#verify} checks the cofactorless one.
 *
 * <p>Such a signature is made with the private key a: pick r, R' = [r]B + T for a point T of small
 * order, k = SHA-512(R' || A || M), S = r + k·a. Then [S]B = R' - T + [k]A: the cofactored equation
 * holds (8T = 0), the cofactorless one does not (T ≠ 0).
 */
class CofactorlessVerificationTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MESSAGE = "PAYMENT-CERT ser#=7 amount=12.50 EUR".getBytes(StandardCharsets.UTF_8);
    private static final KeyShare SIGNER = KeyShare.fromBytes(
            Scalar.fromBytesModOrderWide(Digest.sha512("escudo/test/signer".getBytes(StandardCharsets.UTF_8))).toByteArray());

    /** The encodings of the eight points of small order of edwards25519 (the neutral element first). */
    private static final List<String> SMALL_ORDER_POINTS = List.of(
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa");

    /** Made as above with T of order 8 (the fifth encoding), so it can be checked with any other tool. */
    private static final String SIGNATURE_WITH_TORSION = "45da518de9b445c1adc8e39ebd8d5cac12d924dbf5fa1b13acec1a3f4434fe57"
            + "937f7b8d9ec39ce6c32e8068a08089ccd7f3e76136252f1af56c0adc7ed8bc0a";

    @Test
    void theEightPointsAreOfSmallOrderAndFourOfThemOfOrderEight() {
        int orderEight = 0;
        for (String encoding : SMALL_ORDER_POINTS) {
            EdwardsPoint point = decode(encoding);
            assertTrue(point.multiplyByCofactor().isIdentity(), encoding);
            assertArrayEquals(HEX.parseHex(encoding), point.compress().toByteArray(), "canonical " + encoding);
            if (!point.dbl().dbl().isIdentity()) {
                orderEight++;
            }
        }
        assertEquals(4, orderEight);
        assertTrue(decode(SMALL_ORDER_POINTS.get(0)).isIdentity());
    }

    @Test
    void aSignatureWhoseRHasASmallOrderComponentIsRefusedThoughBouncyCastleAcceptsIt() throws Exception {
        byte[] publicKey = SIGNER.publicShare().bytes();
        for (String torsion : SMALL_ORDER_POINTS.subList(1, SMALL_ORDER_POINTS.size())) {
            byte[] signature = signWithTorsion(decode(torsion));
            assertTrue(bouncyCastleAccepts(publicKey, signature), "BouncyCastle's Ed25519Signer accepts it: " + torsion);
            assertFalse(jdkAccepts(publicKey, signature), "the JDK refuses it: " + torsion);
            assertFalse(OpenSsl.verifies(publicKey, MESSAGE, signature), "openssl refuses it: " + torsion);
            Vectors.refused(torsion, () -> SIGNER.publicShare().verify(signature, MESSAGE, "payment"), CryptoException.BAD_SIGNATURE);
        }
    }

    @Test
    void theConcreteSignatureWithAnROfMixedOrderIsRefused() throws Exception {
        byte[] signature = signWithTorsion(decode(SMALL_ORDER_POINTS.get(4)));
        assertEquals(SIGNATURE_WITH_TORSION, HEX.formatHex(signature));
        byte[] publicKey = SIGNER.publicShare().bytes();
        assertTrue(bouncyCastleAccepts(publicKey, signature));
        assertFalse(jdkAccepts(publicKey, signature));
        assertFalse(OpenSsl.verifies(publicKey, MESSAGE, signature));
        Vectors.refused("mixed-order R", () -> VerifyingKey.of(publicKey).verify(signature, MESSAGE, "payment"),
                CryptoException.BAD_SIGNATURE);
    }

    /** The same construction without torsion is an ordinary signature: every verifier accepts it. */
    @Test
    void theConstructionWithoutTorsionIsAnOrdinarySignature() throws Exception {
        byte[] signature = signWithTorsion(EdwardsPoint.IDENTITY);
        byte[] publicKey = SIGNER.publicShare().bytes();
        assertTrue(bouncyCastleAccepts(publicKey, signature));
        assertTrue(jdkAccepts(publicKey, signature));
        assertTrue(OpenSsl.verifies(publicKey, MESSAGE, signature));
        SIGNER.publicShare().verify(signature, MESSAGE, "payment");
    }

    /**
     * R the neutral element and S = k·a satisfy even the cofactorless equation, but libsodium refuses
     * an R of small order: so does Escudo, so that no stock verifier can disagree with the bank.
     */
    @Test
    void aSignatureWhoseRIsTheNeutralElementIsRefused() throws Exception {
        byte[] encodedR = HEX.parseHex(SMALL_ORDER_POINTS.get(0));
        byte[] publicKey = SIGNER.publicShare().bytes();
        Scalar k = Scalar.fromBytesModOrderWide(Digest.sha512(encodedR, publicKey, MESSAGE));
        byte[] signature = concat(encodedR, k.multiply(SIGNER.scalar()).toByteArray());
        assertTrue(bouncyCastleAccepts(publicKey, signature));
        assertTrue(jdkAccepts(publicKey, signature));
        assertTrue(OpenSsl.verifies(publicKey, MESSAGE, signature));
        Vectors.refused("neutral R", () -> SIGNER.publicShare().verify(signature, MESSAGE, "payment"), CryptoException.BAD_SIGNATURE);
    }

    private static byte[] signWithTorsion(EdwardsPoint torsion) {
        Scalar r = Scalar.fromBytesModOrderWide(Digest.sha512("escudo/test/nonce".getBytes(StandardCharsets.UTF_8), MESSAGE));
        byte[] encodedR = Constants.ED25519_BASEPOINT_TABLE.multiply(r).add(torsion).compress().toByteArray();
        Scalar k = Scalar.fromBytesModOrderWide(Digest.sha512(encodedR, SIGNER.publicShare().bytes(), MESSAGE));
        return concat(encodedR, k.multiplyAndAdd(SIGNER.scalar(), r).toByteArray());
    }

    private static boolean bouncyCastleAccepts(byte[] publicKey, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(MESSAGE, 0, MESSAGE.length);
        return verifier.verifySignature(signature);
    }

    private static boolean jdkAccepts(byte[] publicKey, byte[] signature) throws GeneralSecurityException {
        byte[] spki = concat(HEX.parseHex("302a300506032b6570032100"), publicKey);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        verifier.update(MESSAGE);
        return verifier.verify(signature);
    }

    private static EdwardsPoint decode(String encoding) {
        try {
            return new CompressedEdwardsY(HEX.parseHex(encoding)).decompress();
        } catch (InvalidEncodingException e) {
            throw new AssertionError(encoding + " is not a point", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
