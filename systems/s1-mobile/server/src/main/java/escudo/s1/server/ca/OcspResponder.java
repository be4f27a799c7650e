package escudo.s1.server.ca;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The CA's OCSP responder (RFC 6960): answers each certificate of a request good, revoked (with
 * time and reason) or unknown (another issuer, or a serial number the CA never issued), signed by
 * the root key itself (section 2.6: the CA may sign its own answers), the responder named by the
 * hash of that key and the root certificate included (so that a client such as openssl finds the
 * signer without being told), the request's nonce echoed (RFC 8954: 1 to 32 octets). Every answer is made
 * afresh: a relying party that sends a nonce gets the standing as of now.
 */
public final class OcspResponder {

    /** How long an answer may be relied on (its nextUpdate), as by a kiosk that caches one. */
    public static final Duration ANSWER_VALIDITY = Duration.ofMinutes(10);
    static final int MAX_CERTIFICATES_PER_REQUEST = 10;
    private static final int MAX_NONCE_LENGTH = 32;

    private final CertificationAuthority ca;
    private final X509CertificateHolder root;
    private final PrivateKey rootKey;
    private final Clock clock;
    private final DigestCalculatorProvider digests;
    private final RespID responderId;

    OcspResponder(CertificationAuthority ca, X509Certificate root, PrivateKey rootKey, Clock clock) {
        this.ca = ca;
        this.rootKey = rootKey;
        this.clock = clock;
        try {
            this.root = new X509CertificateHolder(root.getEncoded());
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
            this.responderId = new RespID(SubjectPublicKeyInfo.getInstance(root.getPublicKey().getEncoded()),
                    digests.get(CertificateID.HASH_SHA1));
        } catch (IOException | CertificateEncodingException | OperatorCreationException | OCSPException e) {
            throw new IllegalStateException("cannot set up the OCSP responder", e);
        }
    }

    /** The DER of the answer to the DER of {@code request}; a request that does not parse gets "malformedRequest". */
    public byte[] respond(byte[] request) {
        OCSPReq parsed;
        try {
            parsed = new OCSPReq(request);
        } catch (IOException | RuntimeException e) {
            return refusal(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Req[] asked;
        Extension nonce;
        try {
            asked = parsed.getRequestList();
            nonce = parsed.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            for (Req one : asked) {
                one.getCertID(); // BouncyCastle reads the structure lazily: what a sender made up fails here (found by fuzzing)
            }
        } catch (RuntimeException e) {
            return refusal(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        if (asked.length == 0 || asked.length > MAX_CERTIFICATES_PER_REQUEST || (nonce != null && !acceptableNonce(nonce))) {
            return refusal(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Instant now = clock.instant();
        BasicOCSPRespBuilder answer = new BasicOCSPRespBuilder(responderId);
        try {
            for (Req one : asked) {
                CertificateID id = one.getCertID();
                answer.addResponse(id, status(id), Date.from(now), Date.from(now.plus(ANSWER_VALIDITY)), null);
            }
            if (nonce != null) {
                answer.setResponseExtensions(new Extensions(nonce));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                    answer.build(CertificationAuthority.signer(rootKey), new X509CertificateHolder[] {root}, Date.from(now))).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot sign an OCSP answer", e);
        }
    }

    private CertificateStatus status(CertificateID id) {
        try {
            if (!id.matchesIssuer(root, digests)) {
                return new UnknownStatus();
            }
        } catch (OCSPException e) {
            return new UnknownStatus(); // a hash this side does not know: not a certificate id of ours (found by fuzzing)
        }
        Optional<CertificationAuthority.Entry> entry = ca.entry(id.getSerialNumber());
        if (entry.isEmpty()) {
            return new UnknownStatus();
        }
        if (entry.get().confirmedAt() == null && entry.get().revokedAt() == null) {
            return new UnknownStatus(); // issued, but its holder has not confirmed it (CMP certConf)
        }
        if (entry.get().revokedAt() == null) {
            return CertificateStatus.GOOD; // BouncyCastle's "good" is null: not to be mapped through an Optional
        }
        return new RevokedStatus(Date.from(entry.get().revokedAt()), entry.get().revocationReason().code());
    }

    private static boolean acceptableNonce(Extension nonce) {
        try {
            int length = ASN1OctetString.getInstance(nonce.getParsedValue()).getOctets().length;
            return length >= 1 && length <= MAX_NONCE_LENGTH;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] refusal(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
