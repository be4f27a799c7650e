package escudo.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 private key (the 32-byte RFC 8032 seed). Its bytes leave only through {@link SecretAccess}. */
public final class SigningKey {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] seed;
    private final VerifyingKey verifyingKey;

    private SigningKey(byte[] seed) {
        this.seed = seed;
        byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        this.verifyingKey = VerifyingKey.of(pub);
    }

    public static SigningKey generate() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        return new SigningKey(seed);
    }

    public static SigningKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw CryptoException.badKey("an Ed25519 private key seed has 32 bytes");
        }
        return new SigningKey(seed.clone());
    }

    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    public VerifyingKey verifyingKey() {
        return verifyingKey;
    }

    public byte[] seed(SecretAccess access) {
        java.util.Objects.requireNonNull(access, "access");
        return seed.clone();
    }

    @Override
    public String toString() {
        return "SigningKey(" + verifyingKey + ")";
    }
}
