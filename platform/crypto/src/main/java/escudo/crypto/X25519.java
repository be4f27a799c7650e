package escudo.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
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

/**
 * Raw 32-byte X25519 (RFC 7748) keys on the JDK provider. A malformed key is {@code crypto.bad-key};
 * a public key of small order, with which agreement yields no secret, is {@code crypto.weak-key}.
 */
public final class X25519 {

    public static final int KEY_LENGTH = 32;
    private static final byte[] SPKI_PREFIX = hex("302a300506032b656e032100");
    private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b656e04220420");

    /**
     * Every u-coordinate of a point of small order on Curve25519 or its twist, as libsodium lists
     * them: 0, 1, the two points of order 8, p - 1, and p and p + 1 (0 and 1 unreduced). The top
     * bit is ignored, as RFC 7748 decodes u; X25519 with any of these is the all-zero secret.
     */
    private static final byte[][] SMALL_ORDER = {
        hex("0000000000000000000000000000000000000000000000000000000000000000"),
        hex("0100000000000000000000000000000000000000000000000000000000000000"),
        hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    };

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

    /**
     * X25519(private, public). A small-order public key gives the all-zero secret, which the JDK
     * refuses by itself ("Point has small order"); either way it is {@code crypto.weak-key}.
     */
    public static byte[] agree(PrivateKey mine, byte[] peerPublic) {
        PublicKey peer = publicKey(peerPublic);
        KeyAgreement agreement;
        try {
            agreement = KeyAgreement.getInstance("X25519");
            agreement.init(mine);
        } catch (GeneralSecurityException e) {
            throw CryptoException.badKey("not an X25519 private key");
        }
        byte[] shared;
        try {
            agreement.doPhase(peer, true);
            shared = agreement.generateSecret();
        } catch (InvalidKeyException | IllegalStateException e) {
            throw CryptoException.weakKey("that X25519 public key has small order: agreement with it gives no secret");
        }
        int or = 0;
        for (byte b : shared) {
            or |= b;
        }
        if (or == 0) {
            throw CryptoException.weakKey("X25519 with that public key gives the all-zero secret");
        }
        return shared;
    }

    /**
     * Refuses a public key of small order ({@code crypto.weak-key}) without an agreement: its
     * encoding is one of the few listed above. A malformed key is {@code crypto.bad-key}.
     */
    public static byte[] checkNotSmallOrder(byte[] publicKey) {
        publicKey(publicKey);
        for (byte[] smallOrder : SMALL_ORDER) {
            int diff = (publicKey[KEY_LENGTH - 1] & 0x7f) ^ smallOrder[KEY_LENGTH - 1];
            for (int i = 0; i < KEY_LENGTH - 1; i++) {
                diff |= publicKey[i] ^ smallOrder[i];
            }
            if (diff == 0) {
                throw CryptoException.weakKey("that X25519 public key has small order: agreement with it gives no secret");
            }
        }
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
