package escudo.s1.protocol;

/**
 * Why a certificate was revoked: the CRLReason codes of RFC 5280 section 5.3.1 that a bank's
 * desk gives (no certificateHold: a revocation here is final, and a user enrols again).
 */
public enum RevocationReason {
    UNSPECIFIED(0),
    KEY_COMPROMISE(1),
    CA_COMPROMISE(2),
    AFFILIATION_CHANGED(3),
    SUPERSEDED(4),
    CESSATION_OF_OPERATION(5),
    PRIVILEGE_WITHDRAWN(9);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    /** The CRLReason code, as in a CRL entry and an OCSP "revoked" answer. */
    public int code() {
        return code;
    }

    public static RevocationReason of(int code) {
        for (RevocationReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        throw new CertificateException(CertificateException.MALFORMED, "not a revocation reason the CA gives");
    }
}
