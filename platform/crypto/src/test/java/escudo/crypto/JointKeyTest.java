package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class JointKeyTest {

    private final KeyShare user = KeyShare.generate();
    private final KeyShare bank = KeyShare.generate();
    private final JointKey joint = JointKey.of(user, bank);
    private final byte[] message = "PAYMENT-CERT ser#=7 amount=12.50 EUR".getBytes(StandardCharsets.UTF_8);

    @Test
    void jointPublicKeyIsTheSumOfThePublicShares() {
        assertEquals(joint.publicKey(), JointKey.combine(user.publicShare(), bank.publicShare()));
        assertEquals(joint.publicKey(), JointKey.combine(bank.publicShare(), user.publicShare()));
        assertNotEquals(joint.publicKey(), user.publicShare());
    }

    @Test
    void jointSignatureVerifiesUnderTheJointKeyWithBouncyCastle() {
        byte[] signature = joint.sign(message);
        assertEquals(64, signature.length);
        joint.publicKey().verify(signature, message, "payment");
    }

    @Test
    void jointSignatureVerifiesWithTheJdkEdDsaProvider() throws Exception {
        byte[] signature = joint.sign(message);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(jdkKey(joint.publicKey()));
        verifier.update(message);
        assertTrue(verifier.verify(signature));
    }

    @Test
    void jointSignatureVerifiesWithOpenSsl() throws Exception {
        byte[] signature = joint.sign(message);
        assertTrue(OpenSsl.verifies(joint.publicKey().bytes(), message, signature));
        byte[] other = message.clone();
        other[0] ^= 1;
        assertFalse(OpenSsl.verifies(joint.publicKey().bytes(), other, signature));
    }

    @Test
    void signatureDoesNotVerifyUnderEitherShareAlone() {
        byte[] signature = joint.sign(message);
        assertThrows(CryptoException.class, () -> user.publicShare().verify(signature, message, "payment"));
        assertThrows(CryptoException.class, () -> bank.publicShare().verify(signature, message, "payment"));
    }

    @Test
    void tamperedMessageOrSignatureIsRefused() {
        byte[] signature = joint.sign(message);
        byte[] tamperedMessage = message.clone();
        tamperedMessage[5] ^= 0x20;
        CryptoException e = assertThrows(CryptoException.class, () -> joint.publicKey().verify(signature, tamperedMessage, "payment"));
        assertEquals(CryptoException.BAD_SIGNATURE, e.code());
        for (int i : new int[] {0, 31, 32, 63}) {
            byte[] tampered = signature.clone();
            tampered[i] ^= 1;
            assertThrows(CryptoException.class, () -> joint.publicKey().verify(tampered, message, "payment"));
        }
        assertThrows(CryptoException.class, () -> joint.publicKey().verify(new byte[63], message, "payment"));
    }

    @Test
    void nonceIsFreshEvenForTheSameMessage() {
        byte[] first = joint.sign(message);
        byte[] second = joint.sign(message);
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(first, 32), java.util.Arrays.copyOf(second, 32)));
        joint.publicKey().verify(second, message, "payment");
    }

    @Test
    void shareSurvivesItsSealedStorageEncoding() {
        KeyShare restored = KeyShare.fromBytes(user.toBytes(SecretAccess.forSealedStorage()));
        assertEquals(user.publicShare(), restored.publicShare());
        assertEquals(joint.publicKey(), JointKey.of(restored, bank).publicKey());
    }

    @Test
    void nonCanonicalScalarIsRefused() {
        byte[] tooBig = new byte[32];
        java.util.Arrays.fill(tooBig, (byte) 0xFF);
        assertEquals(CryptoException.BAD_KEY, assertThrows(CryptoException.class, () -> KeyShare.fromBytes(tooBig)).code());
    }

    @Test
    void signingKeyMatchesRfc8032TestVector1() {
        HexFormat hex = HexFormat.of();
        SigningKey key = SigningKey.fromSeed(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", key.verifyingKey().hex());
        byte[] signature = key.sign(new byte[0]);
        assertArrayEquals(hex.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"), signature);
    }

    /**
     * The share's point arithmetic (curve25519-elisabeth) agrees with RFC 8032 and BouncyCastle: the
     * secret scalar of test vector 1 (SHA-512 of the seed, clamped, reduced mod L) times the base
     * point is that vector's public key.
     */
    @Test
    void shareArithmeticMatchesRfc8032TestVector1() {
        HexFormat hex = HexFormat.of();
        byte[] h = Digest.sha512(hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        BigInteger order = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] bigEndian = new BigInteger(1, reversed(java.util.Arrays.copyOf(h, 32))).mod(order).toByteArray();
        byte[] scalar = java.util.Arrays.copyOf(
                reversed(java.util.Arrays.copyOfRange(bigEndian, Math.max(0, bigEndian.length - 32), bigEndian.length)), 32);
        assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", KeyShare.fromBytes(scalar).publicShare().hex());
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    @Test
    void invalidPublicKeysAreRefused() {
        assertThrows(CryptoException.class, () -> VerifyingKey.of(new byte[31]));
        byte[] identity = new byte[32];
        identity[0] = 1; // the neutral element: small order, must not be accepted as a key
        assertThrows(CryptoException.class, () -> VerifyingKey.of(identity));
    }

    private static PublicKey jdkKey(VerifyingKey key) throws Exception {
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] spki = new byte[44];
        System.arraycopy(prefix, 0, spki, 0, 12);
        System.arraycopy(key.bytes(), 0, spki, 12, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
