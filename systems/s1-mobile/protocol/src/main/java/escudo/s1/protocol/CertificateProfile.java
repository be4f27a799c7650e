package escudo.s1.protocol;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * What an S1 user certificate is (docs/s1-mobile.md, "The certificate profile"), in one place for
 * the CA that issues it and every relying party that accepts it.
 *
 * <ul>
 *   <li>X.509 v3, signed by the bank's root CA with ECDSA P-256 and SHA-256; a 128-bit random
 *       serial number;</li>
 *   <li>subject: {@code CN} the user's name, {@code UID} (0.9.2342.19200300.100.1.1) the bank's
 *       customer id, {@code telephoneNumber} (2.5.4.20) the phone's number in E.164;</li>
 *   <li>a P-256 public key the phone generated itself;</li>
 *   <li>extensions: basic constraints {@code CA:FALSE} (critical), key usage digitalSignature and
 *       nonRepudiation (critical), the certificate policy {@link #POLICY}, subject and authority
 *       key identifiers, the CA's OCSP responder (authority information access) and CRL
 *       (distribution point);</li>
 *   <li>valid from five minutes before issue (clocks differ) for {@link #DEFAULT_VALIDITY}.</li>
 * </ul>
 */
public final class CertificateProfile {

    /**
     * The certificate policy of S1 user certificates: an OID from a UUID (ITU-T X.667, arc 2.25),
     * which needs no registration and collides with no one's.
     */
    public static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier("2.25.273114274218204845735297102729651086716");
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    public static final String CURVE = "secp256r1";
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    /** How far before its issue a certificate is already valid, for the clocks of relying parties. */
    public static final Duration BACKDATING = Duration.ofMinutes(5);

    private CertificateProfile() {
    }

    /** A fresh P-256 key pair: the phone's for its certificate, the CA's for its root. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 key generation", e);
        }
    }

    /** The subject of a user certificate for {@code user}. */
    public static X500Name subject(UserIdentity user) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, user.name())
                .addRDN(BCStyle.UID, user.customerId())
                .addRDN(BCStyle.TELEPHONE_NUMBER, user.phoneNumber())
                .build();
    }

    /**
     * The user a certificate names, once it is known to keep the profile: an end-entity certificate
     * with the policy, the key usages and a P-256 key, whose subject holds exactly one name, customer
     * id and phone number. Chain and validity are {@link TrustAnchor}'s to check.
     */
    public static UserIdentity user(X509Certificate certificate) {
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(certificate.getEncoded());
        } catch (IOException | CertificateEncodingException e) {
            throw new CertificateException(CertificateException.MALFORMED, "the certificate does not decode", e);
        }
        BasicConstraints constraints = BasicConstraints.fromExtensions(holder.getExtensions());
        if (constraints == null || constraints.isCA() || !holder.getExtension(Extension.basicConstraints).isCritical()) {
            throw wrongProfile("it is not a critical end-entity certificate");
        }
        KeyUsage usage = KeyUsage.fromExtensions(holder.getExtensions());
        if (usage == null || !usage.hasUsages(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                || usage.hasUsages(KeyUsage.keyCertSign) || usage.hasUsages(KeyUsage.cRLSign)) {
            throw wrongProfile("its key usage is not digitalSignature and nonRepudiation");
        }
        CertificatePolicies policies = CertificatePolicies.fromExtensions(holder.getExtensions());
        PolicyInformation policy = policies == null ? null : policies.getPolicyInformation(POLICY);
        if (policy == null) {
            throw wrongProfile("it does not carry the S1 certificate policy");
        }
        if (!(certificate.getPublicKey() instanceof ECPublicKey key) || key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw wrongProfile("its key is not a P-256 key");
        }
        X500Name subject = holder.getSubject();
        try {
            return new UserIdentity(single(subject, BCStyle.CN), single(subject, BCStyle.UID), single(subject, BCStyle.TELEPHONE_NUMBER));
        } catch (RuntimeException e) {
            throw wrongProfile("its subject does not name a user as the profile does");
        }
    }

    private static String single(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            throw new IllegalArgumentException("not exactly one " + type);
        }
        if (!(rdns[0].getFirst().getValue() instanceof ASN1String text)) {
            throw new IllegalArgumentException(type + " is not a string");
        }
        return text.getString();
    }

    private static CertificateException wrongProfile(String why) {
        return new CertificateException(CertificateException.WRONG_PROFILE, "not an S1 user certificate: " + why);
    }
}
