package escudo.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/** Raw 32-byte X25519 (RFC 7748) keys on the JDK provider; an unusable key is {@code crypto.bad-key}. */
public final class X25519 {

    public static final int KEY_LENGTH = 32;
    private static final byte[] SPKI_PREFIX = hex("302a300506032b656e032100");
    private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b656e04220420");

    private X25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is in every JDK 25", e);
        }
    }

    public static byte[] rawPublic(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - KEY_LENGTH, spki.length);
    }

    public static byte[] rawPrivate(PrivateKey key) {
        return ((XECPrivateKey) key).getScalar().orElseThrow(
                () -> new IllegalStateException("the X25519 private key has no scalar"));
    }

    public static PublicKey publicKey(byte[] raw) {
        return decode(raw, SPKI_PREFIX, true);
    }

    public static PrivateKey privateKey(byte[] raw) {
        return decode(raw, PKCS8_PREFIX, false);
    }

    /** X25519(private, public); an all-zero result (small-order public key) is {@code crypto.bad-key}. */
    public static byte[] agree(PrivateKey mine, byte[] peerPublic) {
        byte[] shared;
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(mine);
            agreement.doPhase(publicKey(peerPublic), true);
            shared = agreement.generateSecret();
        } catch (GeneralSecurityException | IllegalStateException e) {
            // The JDK itself refuses a small-order point ("Point has small order").
            throw CryptoException.badKey("X25519 with that public key gives no usable secret");
        }
        int or = 0;
        for (byte b : shared) {
            or |= b;
        }
        if (or == 0) {
            throw CryptoException.badKey("X25519 with that public key gives the all-zero secret");
        }
        return shared;
    }

    /** Clamped scalars are multiples of the cofactor, so a small-order point always gives zero. */
    public static byte[] checkNotSmallOrder(byte[] publicKey) {
        agree(generate().getPrivate(), publicKey);
        return publicKey;
    }

    @SuppressWarnings("unchecked")
    private static <K> K decode(byte[] raw, byte[] prefix, boolean isPublic) {
        if (raw == null || raw.length != KEY_LENGTH) {
            throw CryptoException.badKey("an X25519 key has 32 bytes");
        }
        byte[] der = Arrays.copyOf(prefix, prefix.length + KEY_LENGTH);
        System.arraycopy(raw, 0, der, prefix.length, KEY_LENGTH);
        try {
            KeyFactory factory = KeyFactory.getInstance("X25519");
            return (K) (isPublic ? factory.generatePublic(new X509EncodedKeySpec(der))
                    : factory.generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw CryptoException.badKey("not an X25519 key");
        }
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
