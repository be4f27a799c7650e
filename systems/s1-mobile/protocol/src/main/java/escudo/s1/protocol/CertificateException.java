package escudo.s1.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A certificate, a revocation answer or a certificate request that a party cannot accept; each refusal has its code. */
public final class CertificateException extends EscudoException {

    /** Bytes that are not the DER of what they should be (a certificate, an OCSP answer, a CRL). */
    public static final ErrorCode MALFORMED = ErrorCode.declare("s1.malformed", Kind.INVALID);
    /** The certificate does not chain to the configured trust anchor, or its signature does not verify. */
    public static final ErrorCode UNTRUSTED = ErrorCode.declare("s1.certificate-untrusted", Kind.UNAUTHENTICATED);
    /** The certificate is not valid at the time of use: expired, or not yet valid. */
    public static final ErrorCode EXPIRED = ErrorCode.declare("s1.certificate-expired", Kind.UNAUTHENTICATED);
    /** The certificate was revoked (the CA's OCSP answer or CRL says so). */
    public static final ErrorCode REVOKED = ErrorCode.declare("s1.certificate-revoked", Kind.UNAUTHENTICATED);
    /** The certificate's key or contents are not what the profile allows a user certificate to be. */
    public static final ErrorCode WRONG_PROFILE = ErrorCode.declare("s1.certificate-profile", Kind.UNAUTHENTICATED);
    /**
     * The certificate's standing cannot be established: no OCSP answer, one not signed by the CA,
     * stale, for another certificate, with another nonce, or "unknown".
     */
    public static final ErrorCode STATUS_UNKNOWN = ErrorCode.declare("s1.certificate-status-unknown", Kind.UNAUTHENTICATED);
    /** The CA issued no certificate with that serial number. */
    public static final ErrorCode NOT_FOUND = ErrorCode.declare("s1.certificate-not-found", Kind.NOT_FOUND);
    /** A revocation of a certificate already revoked. */
    public static final ErrorCode ALREADY_REVOKED = ErrorCode.declare("s1.certificate-already-revoked", Kind.CONFLICT);

    public CertificateException(ErrorCode code, String message) {
        super(code, message);
    }

    public CertificateException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
