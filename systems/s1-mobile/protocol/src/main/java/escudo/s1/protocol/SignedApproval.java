package escudo.s1.protocol;

import escudo.core.EscudoException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * The phone's signature over an {@link ApprovalRequest} (seed 001, S240-S250), or over the
 * {@link QrFrame} that carried one (Flow B): CMS SignedData (RFC 5652) with the canonical bytes as
 * encapsulated content (id-data), one signer, ECDSA
 * with SHA-256 over signed attributes (content type, message digest, signing time), the signer's
 * certificate included. Stock tools verify it: {@code openssl cms -verify -inform DER}.
 */
public final class SignedApproval {

    private SignedApproval() {
    }

    /** The signer, the user it names and the content, once the signature verified under a certificate of the relying party's root. */
    public record Verified(X509Certificate certificate, UserIdentity user, byte[] content) {
        public Verified {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    public static byte[] sign(ApprovalRequest request, X509Certificate certificate, PrivateKey key) {
        return sign(request.encode(), certificate, key);
    }

    /** Flow B (seed 001, S350-S380): the frame of the QR code the phone read, so the service knows when the user saw it. */
    public static byte[] sign(QrFrame frame, X509Certificate certificate, PrivateKey key) {
        return sign(frame.encode(), certificate, key);
    }

    private static byte[] sign(byte[] content, X509Certificate certificate, PrivateKey key) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().build(CertificateProfile.SIGNATURE_ALGORITHM, key, certificate));
            generator.addCertificates(new JcaCertStore(List.of(certificate)));
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded();
        } catch (GeneralSecurityException | OperatorCreationException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign the approval", e);
        }
    }

    /**
     * Checks {@code signed}: CMS SignedData with content, exactly one signer, whose certificate it
     * carries and {@code trust} accepts at {@code at} (chain, validity, profile; revocation is the
     * caller's OCSP check), and whose signature verifies.
     */
    public static Verified verify(byte[] signed, RelyingParty trust, Instant at) {
        try {
            return verified(signed, trust, at);
        } catch (EscudoException refused) {
            throw refused;
        } catch (RuntimeException e) {
            // BouncyCastle's ASN.1 accessors throw any unchecked exception (illegal argument, index out of
            // bounds, class cast) for structures a sender made up (found by fuzzing): the sender's fault
            throw bad("the approval is not CMS SignedData as the phone makes it");
        }
    }

    private static Verified verified(byte[] signed, RelyingParty trust, Instant at) {
        CMSSignedData data;
        try {
            data = new CMSSignedData(signed);
        } catch (CMSException | RuntimeException e) {
            throw bad("the approval is not CMS SignedData");
        }
        if (data.getSignedContent() == null || !(data.getSignedContent().getContent() instanceof byte[] content)) {
            throw bad("the approval carries no content");
        }
        Collection<SignerInformation> signers = data.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw bad("an approval has exactly one signer");
        }
        SignerInformation signer = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> certificates = data.getCertificates();
        Collection<X509CertificateHolder> matches = certificates.getMatches(signer.getSID());
        if (matches.size() != 1) {
            throw bad("the approval does not carry its signer's certificate");
        }
        X509Certificate certificate;
        try {
            certificate = new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
        } catch (GeneralSecurityException e) {
            throw bad("the signer's certificate does not decode");
        }
        UserIdentity user = trust.verify(certificate, at);
        try {
            if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                throw bad("the signature does not verify");
            }
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            throw bad("the signature does not verify");
        }
        return new Verified(certificate, user, content);
    }

    private static ApprovalException bad(String why) {
        return new ApprovalException(ApprovalException.BAD_SIGNATURE, why);
    }
}
