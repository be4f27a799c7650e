package escudo.s1.api;

import escudo.s1.protocol.RevocationReason;
import java.time.Instant;
import java.util.List;

/** The JSON records of the CA's desk routes (docs/api.md, S1); the CA's published objects are DER. */
public final class CaApi {

    private CaApi() {
    }

    /** {@code POST /issuer/ca/certificates/{serial}/revocation}. */
    public record Revoke(RevocationReason reason) {
    }

    /** One certificate as the desk sees it; {@code revokedAt} and {@code reason} are null while it is good. */
    public record CertificateView(String serial, String customerId, String phoneNumber, Instant notBefore, Instant notAfter,
                                  Instant revokedAt, RevocationReason reason) {
    }

    /** {@code GET /issuer/customers/{id}/certificates}, newest first. */
    public record Certificates(List<CertificateView> certificates) {
    }
}
