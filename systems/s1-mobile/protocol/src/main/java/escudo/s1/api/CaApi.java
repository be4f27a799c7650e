package escudo.s1.api;

import escudo.s1.protocol.RevocationReason;
import java.time.Instant;
import java.util.List;

/** The JSON records of the CA's desk routes (docs/api.md, S1); the CA's published objects are DER. */
public final class CaApi {

    private CaApi() {
    }

    /** {@code POST /issuer/ca/enrolments}: the desk checked the customer's identity and phone. */
    public record Enrol(String customerId, String phoneNumber) {
    }

    /** The desk's answer: the reference number and the one-time secret the user takes to the phone, and when they expire. */
    public record Reference(String reference, String secret, Instant expiresAt) {
        @Override
        public String toString() {
            return "Reference[reference=" + reference + ", expiresAt=" + expiresAt + "]"; // never the secret
        }
    }

    /** {@code POST /issuer/ca/certificates/{serial}/revocation}. */
    public record Revoke(RevocationReason reason) {
    }

    /** One certificate as the desk sees it; {@code revokedAt} and {@code reason} are null while it is good. */
    public record CertificateView(String serial, String customerId, String phoneNumber, Instant notBefore, Instant notAfter,
                                  Instant confirmedAt, Instant revokedAt, RevocationReason reason) {
    }

    /** {@code GET /issuer/customers/{id}/certificates}, newest first. */
    public record Certificates(List<CertificateView> certificates) {
    }
}
