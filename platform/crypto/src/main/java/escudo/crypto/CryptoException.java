package escudo.crypto;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A cryptographic check failed or a key or encoding is malformed. Messages never carry key material. */
public final class CryptoException extends EscudoException {

    public static final ErrorCode BAD_SIGNATURE = ErrorCode.declare("crypto.bad-signature", Kind.UNAUTHENTICATED);
    public static final ErrorCode BAD_KEY = ErrorCode.declare("crypto.bad-key", Kind.INVALID);
    /** A well-formed X25519 public key of small order (all zeros among them): agreeing with it yields no secret. */
    public static final ErrorCode WEAK_KEY = ErrorCode.declare("crypto.weak-key", Kind.INVALID);
    public static final ErrorCode DECRYPTION_FAILED = ErrorCode.declare("crypto.decryption-failed", Kind.UNAUTHENTICATED);
    public static final ErrorCode MALFORMED = ErrorCode.declare("crypto.malformed-encoding", Kind.INVALID);

    CryptoException(ErrorCode code, String message) {
        super(code, message);
    }

    static CryptoException badSignature(String what) {
        return new CryptoException(BAD_SIGNATURE, "the signature on " + what + " does not verify");
    }

    static CryptoException badKey(String message) {
        return new CryptoException(BAD_KEY, message);
    }

    static CryptoException weakKey(String message) {
        return new CryptoException(WEAK_KEY, message);
    }

    static CryptoException decryptionFailed(String what) {
        return new CryptoException(DECRYPTION_FAILED,
                what + " cannot be opened: wrong key, or the bytes were altered");
    }

    public static CryptoException malformed(String message) {
        return new CryptoException(MALFORMED, message);
    }
}
