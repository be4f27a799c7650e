package escudo.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * RFC 9180 HPKE, base mode, suite DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM
 * (BouncyCastle's implementation). Sealed bytes are {@code enc (32) || ciphertext}. The
 * {@code info} names the protocol step, the associated data binds the context.
 */
public final class Hpke {

    private static final int ENC_LENGTH = 32;

    private Hpke() {
    }

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /**
     * Seals {@code plaintext} to the holder of the X25519 private key behind {@code recipientPublicKey};
     * a key of small order is {@code crypto.weak-key} (nothing sealed to it could be secret), a
     * malformed one {@code crypto.bad-key}.
     */
    public static byte[] seal(byte[] recipientPublicKey, String info, byte[] associatedData, byte[] plaintext) {
        X25519.checkNotSmallOrder(Objects.requireNonNull(recipientPublicKey));
        HPKE hpke = suite();
        try {
            byte[][] ctAndEnc = hpke.seal(hpke.deserializePublicKey(recipientPublicKey),
                    info.getBytes(java.nio.charset.StandardCharsets.UTF_8), associatedData, plaintext, null, null, null);
            byte[] sealed = Arrays.copyOf(ctAndEnc[1], ENC_LENGTH + ctAndEnc[0].length);
            System.arraycopy(ctAndEnc[0], 0, sealed, ENC_LENGTH, ctAndEnc[0].length);
            return sealed;
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw CryptoException.badKey("cannot seal to that X25519 public key");
        } catch (IllegalStateException e) {
            // BouncyCastle's refusal of an all-zero X25519 result, should a small-order key pass the list.
            throw CryptoException.weakKey("cannot seal to that X25519 public key: it has small order");
        }
    }

    /** An X25519 key pair that can open what was sealed to its public key. */
    public static final class Recipient {

        private final AsymmetricCipherKeyPair keyPair;
        private final byte[] publicKey;

        private Recipient(AsymmetricCipherKeyPair keyPair) {
            this.keyPair = keyPair;
            this.publicKey = suite().serializePublicKey(keyPair.getPublic());
        }

        public static Recipient generate() {
            return new Recipient(suite().generatePrivateKey());
        }

        /** Restores a recipient from its 32-byte private key (sealed storage only). */
        public static Recipient fromPrivateKey(byte[] privateKey) {
            try {
                HPKE hpke = suite();
                return new Recipient(hpke.deserializePrivateKey(privateKey, null));
            } catch (RuntimeException e) {
                throw CryptoException.badKey("not an X25519 private key");
            }
        }

        public byte[] publicKey() {
            return publicKey.clone();
        }

        public byte[] privateKey(SecretAccess access) {
            Objects.requireNonNull(access, "access");
            return suite().serializePrivateKey(keyPair.getPrivate());
        }

        public byte[] open(byte[] sealed, String info, byte[] associatedData, String what) {
            if (sealed == null || sealed.length <= ENC_LENGTH) {
                throw CryptoException.decryptionFailed(what);
            }
            try {
                return suite().open(Arrays.copyOf(sealed, ENC_LENGTH), keyPair,
                        info.getBytes(java.nio.charset.StandardCharsets.UTF_8), associatedData,
                        Arrays.copyOfRange(sealed, ENC_LENGTH, sealed.length), null, null, null);
            } catch (InvalidCipherTextException | IllegalArgumentException | IllegalStateException e) {
                // IllegalStateException: BouncyCastle refuses a low-order ephemeral key (an all-zero shared secret).
                throw CryptoException.decryptionFailed(what);
            }
        }
    }
}
