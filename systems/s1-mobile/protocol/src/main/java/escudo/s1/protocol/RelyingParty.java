package escudo.s1.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * What every service that relies on an S1 certificate checks (seed 001, the certifier 34 of Fig. 2:
 * "whether the certificate is certified"): the certificate chains to the one trust anchor it is
 * configured with (the bank's root, never one a peer sends), is valid at the time of use, carries
 * the S1 policy and profile; and the CA's OCSP responder (RFC 6960) says it is good, in an answer
 * signed by the root, for this certificate, with this query's nonce, and fresh.
 */
public final class RelyingParty {

    /** The media types of OCSP over HTTP (RFC 6960, appendix A). */
    public static final String OCSP_REQUEST = "application/ocsp-request";
    public static final String OCSP_RESPONSE = "application/ocsp-response";
    /** How long an OCSP answer without a nextUpdate is taken as fresh, and the clock skew allowed on its thisUpdate. */
    public static final Duration OCSP_FRESHNESS = Duration.ofMinutes(10);
    private static final int NONCE_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate root;
    private final TrustAnchor anchor;

    private RelyingParty(X509Certificate root) {
        this.root = root;
        this.anchor = new TrustAnchor(root, null);
    }

    /** A relying party whose one trust anchor is {@code root}, the bank's root CA certificate. */
    public static RelyingParty trusting(X509Certificate root) {
        Objects.requireNonNull(root, "root");
        if (root.getBasicConstraints() < 0) {
            throw new CertificateException(CertificateException.WRONG_PROFILE, "a trust anchor is a CA certificate");
        }
        return new RelyingParty(root);
    }

    /** The X.509 certificate these DER bytes encode. */
    public static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateException(CertificateException.MALFORMED, "the bytes are not an X.509 certificate", e);
        }
    }

    public X509Certificate root() {
        return root;
    }

    /**
     * The user {@code certificate} names, if it chains to the root (PKIX, RFC 5280 section 6, with
     * the S1 policy required), is valid at {@code at} and keeps the profile. Revocation is
     * {@link #status}'s, from an answer the caller fetched.
     */
    public UserIdentity verify(X509Certificate certificate, Instant at) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            parameters.setInitialPolicies(Set.of(CertificateProfile.POLICY.getId()));
            parameters.setExplicitPolicyRequired(true);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
                throw new CertificateException(CertificateException.EXPIRED, "the certificate is not valid at " + at, e);
            }
            if (e.getReason() == PKIXReason.INVALID_POLICY) {
                throw new CertificateException(CertificateException.WRONG_PROFILE, "not an S1 user certificate: no S1 policy", e);
            }
            throw new CertificateException(CertificateException.UNTRUSTED, "the certificate does not chain to the bank's root", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX validation is unavailable", e);
        }
        return CertificateProfile.user(certificate);
    }

    /** An OCSP request for {@code certificate} with a fresh nonce; {@link #status} checks the answer against it. */
    public OcspQuery query(X509Certificate certificate) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(root), certificate.getSerialNumber());
            byte[] request = new OCSPReqBuilder()
                    .addRequest(id)
                    .setRequestExtensions(new org.bouncycastle.asn1.x509.Extensions(
                            new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce).getEncoded())))
                    .build()
                    .getEncoded();
            return new OcspQuery(certificate.getSerialNumber(), id, nonce, request);
        } catch (OCSPException | OperatorCreationException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an OCSP request", e);
        }
    }

    /**
     * The standing the CA's answer {@code response} gives the certificate of {@code query} at
     * {@code at}: returns its times when the certificate is good; throws {@code s1.certificate-revoked}
     * when it is revoked, and {@code s1.certificate-status-unknown} for any answer that does not
     * establish it (an error status, not signed by the root, another certificate or nonce, stale,
     * "unknown").
     */
    public OcspStanding status(OcspQuery query, byte[] response, Instant at) {
        BasicOCSPResp basic;
        try {
            OCSPResp answer = new OCSPResp(response);
            if (answer.getStatus() != OCSPResp.SUCCESSFUL || !(answer.getResponseObject() instanceof BasicOCSPResp b)) {
                throw unknown("the responder answered with status " + answer.getStatus());
            }
            basic = b;
            if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(root.getPublicKey()))) {
                throw unknown("the answer is not signed by the bank's root");
            }
        } catch (IOException | OCSPException | OperatorCreationException | RuntimeException e) {
            if (e instanceof CertificateException refusal) {
                throw refusal;
            }
            throw unknown("the answer is not a readable OCSP response");
        }
        Extension nonce = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce == null || !MessageDigest.isEqual(DEROctetString.getInstance(nonce.getParsedValue()).getOctets(), query.nonce())) {
            throw unknown("the answer does not carry this query's nonce");
        }
        SingleResp single = null;
        for (SingleResp candidate : basic.getResponses()) {
            if (candidate.getCertID().equals(query.id())) {
                single = candidate;
            }
        }
        if (single == null) {
            throw unknown("the answer is about another certificate");
        }
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? thisUpdate.plus(OCSP_FRESHNESS) : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(at.plus(OCSP_FRESHNESS)) || !nextUpdate.isAfter(at)) {
            throw unknown("the answer is not fresh");
        }
        Object status = single.getCertStatus();
        if (status instanceof RevokedStatus revoked) {
            throw new CertificateException(CertificateException.REVOKED,
                    "the certificate was revoked at " + revoked.getRevocationTime().toInstant());
        }
        if (status != org.bouncycastle.cert.ocsp.CertificateStatus.GOOD) {
            throw unknown("the CA does not know the certificate");
        }
        return new OcspStanding(query.serial(), thisUpdate, nextUpdate);
    }

    private static CertificateException unknown(String why) {
        return new CertificateException(CertificateException.STATUS_UNKNOWN, "the certificate's standing is unknown: " + why);
    }

    /** An OCSP request as sent ({@code request}, DER) and what its answer must match. */
    public record OcspQuery(BigInteger serial, CertificateID id, byte[] nonce, byte[] request) {
        public OcspQuery {
            nonce = nonce.clone();
            request = request.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        @Override
        public byte[] request() {
            return request.clone();
        }
    }

    /** A good answer: the certificate was good at {@code thisUpdate}, and the answer holds until {@code nextUpdate}. */
    public record OcspStanding(BigInteger serial, Instant thisUpdate, Instant nextUpdate) {
    }
}
