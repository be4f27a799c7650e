package escudo.crypto;

import escudo.core.EscudoException;

/** A cryptographic check failed or a key or encoding is malformed. Messages never carry key material. */
public final class CryptoException extends EscudoException {

    public static final String BAD_SIGNATURE = "crypto.bad-signature";
    public static final String BAD_KEY = "crypto.bad-key";
    public static final String DECRYPTION_FAILED = "crypto.decryption-failed";
    public static final String MALFORMED = "crypto.malformed-encoding";

    CryptoException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static CryptoException badSignature(String what) {
        return new CryptoException(Kind.UNAUTHENTICATED, BAD_SIGNATURE, "the signature on " + what + " does not verify");
    }

    static CryptoException badKey(String message) {
        return new CryptoException(Kind.INVALID, BAD_KEY, message);
    }

    static CryptoException decryptionFailed(String what) {
        return new CryptoException(Kind.UNAUTHENTICATED, DECRYPTION_FAILED,
                what + " cannot be opened: wrong key, or the bytes were altered");
    }

    public static CryptoException malformed(String message) {
        return new CryptoException(Kind.INVALID, MALFORMED, message);
    }
}
