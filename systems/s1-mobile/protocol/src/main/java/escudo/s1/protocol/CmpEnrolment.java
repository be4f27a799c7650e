package escudo.s1.protocol;

import escudo.core.ErrorCode;
import escudo.core.Text;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.cmp.ErrorMsgContent;
import org.bouncycastle.asn1.cmp.PBMParameter;
import org.bouncycastle.asn1.cmp.PKIBody;
import org.bouncycastle.asn1.cmp.PKIFreeText;
import org.bouncycastle.asn1.cmp.PKIHeader;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.cmp.CMPException;
import org.bouncycastle.cert.cmp.CertificateConfirmationContentBuilder;
import org.bouncycastle.cert.cmp.GeneralPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessageBuilder;
import org.bouncycastle.cert.crmf.CRMFException;
import org.bouncycastle.cert.crmf.CertificateRepMessage;
import org.bouncycastle.cert.crmf.CertificateReqMessagesBuilder;
import org.bouncycastle.cert.crmf.CertificateResponse;
import org.bouncycastle.cert.crmf.PKMACBuilder;
import org.bouncycastle.cert.crmf.jcajce.JcaCertificateRequestMessageBuilder;
import org.bouncycastle.cert.crmf.jcajce.JcePKMACValuesCalculator;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The phone's side of CMP (RFC 4210) as the lightweight profile (RFC 9483) has it, for its two
 * transactions with the CA. <b>Enrolment</b> (seed 001, S100-S140; RFC 9483 section 4.1.5): an
 * initialization request ({@code ir}) for the phone's own key, signed by that key (proof of
 * possession) and MAC-protected with the desk's secret under the reference number as sender key
 * id; the CA's answer ({@code ip}), checked under the same secret. <b>Renewal</b> (RFC 9483 section
 * 4.1.3): a key update request ({@code kur}) for a fresh key, signature-protected by the key of the
 * certificate it renews, which travels in extraCerts; the CA's {@code kup}, signed by the root the
 * phone already trusts. Either way then the certificate confirmation ({@code certConf}) and the
 * CA's {@code pkiConf}. One object per transaction, used in that order. A stock CMP client
 * (openssl cmp) does the same.
 */
public final class CmpEnrolment {

    public static final String MEDIA_TYPE = "application/pkixcmp";
    /**
     * PBM iterations: the phone uses {@value #ITERATIONS}; the CA takes 500 (openssl's default) to
     * {@value #MAX_ITERATIONS}, so that a request cannot make it hash for long.
     */
    public static final int ITERATIONS = 10_000;
    public static final int MIN_ITERATIONS = 500;
    public static final int MAX_ITERATIONS = 100_000;
    /** The CA's refusals start with their code and a colon. */
    static final String CODE_SEPARATOR = ": ";
    public static final int NONCE_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How this transaction's messages are protected, and how the CA's answers are checked. */
    private sealed interface Protection permits Secret, Signature {
    }

    /** Enrolment: PBM under the desk's secret, the reference number as sender key id. */
    private record Secret(String reference, char[] secret) implements Protection {
    }

    /** Renewal: a signature by the key of the certificate being renewed; the answers signed by the root. */
    private record Signature(X509Certificate current, PrivateKey currentKey, X509Certificate root) implements Protection {
    }

    private final Protection protection;
    private final KeyPair key;
    private final GeneralName sender;
    private final byte[] transactionId = random();
    private byte[] sentNonce;
    private byte[] caNonce;
    private GeneralName ca;
    private X509CertificateHolder issued;
    private X509Certificate root;

    private CmpEnrolment(Protection protection, KeyPair key, GeneralName sender) {
        this.protection = protection;
        this.key = Objects.requireNonNull(key, "key");
        this.sender = sender;
    }

    /** An enrolment with the desk's {@code reference} number and {@code secret} for the phone's {@code key} (P-256). */
    public static CmpEnrolment start(String reference, char[] secret, KeyPair key) {
        Objects.requireNonNull(reference, "reference");
        return new CmpEnrolment(new Secret(reference, secret.clone()), key, new GeneralName(new X500Name("CN=" + reference)));
    }

    /**
     * The renewal of {@code current} (whose private key is {@code currentKey}) for the fresh
     * {@code key}, with a CA whose answers must be signed by {@code root}.
     */
    public static CmpEnrolment renewal(X509Certificate current, PrivateKey currentKey, X509Certificate root, KeyPair key) {
        X500Name subject = X500Name.getInstance(current.getSubjectX500Principal().getEncoded());
        CmpEnrolment renewal = new CmpEnrolment(new Signature(current, currentKey, root), key, new GeneralName(subject));
        renewal.root = root;
        return renewal;
    }

    /** The first message, {@code ir} or {@code kur}: DER, to post as {@value #MEDIA_TYPE}. */
    public byte[] request() {
        try {
            JcaCertificateRequestMessageBuilder request = new JcaCertificateRequestMessageBuilder(BigInteger.ZERO);
            request.setPublicKey(key.getPublic());
            request.setProofOfPossessionSigningKeySigner(new JcaContentSignerBuilder(CertificateProfile.SIGNATURE_ALGORITHM).build(key.getPrivate()));
            // A subject in the template makes the proof of possession a plain signature over the request
            // (RFC 4211 section 4.1); the CA names the customer itself, whatever the template says.
            int type;
            switch (protection) {
                case Secret secret -> {
                    request.setSubject(new javax.security.auth.x500.X500Principal("CN=" + secret.reference()));
                    type = PKIBody.TYPE_INIT_REQ;
                }
                case Signature signature -> {
                    request.setSubject(signature.current().getSubjectX500Principal());
                    request.addControl(new OldCertId(signature.current())); // RFC 4211 section 6.5: the certificate this one renews
                    type = PKIBody.TYPE_KEY_UPDATE_REQ;
                }
            }
            CertificateReqMessagesBuilder requests = new CertificateReqMessagesBuilder();
            requests.addRequest(request.build());
            return protect(builder(PKIHeader.NULL_NAME, null).setBody(type, requests.build()));
        } catch (CRMFException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the certificate request", e);
        }
    }

    /** The id-regCtrl-oldCertID control (RFC 4211 section 6.5): issuer and serial number of the certificate a kur renews. */
    private record OldCertId(X509Certificate current) implements org.bouncycastle.cert.crmf.Control {

        @Override
        public org.bouncycastle.asn1.ASN1ObjectIdentifier getType() {
            return org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers.id_regCtrl_oldCertID;
        }

        @Override
        public org.bouncycastle.asn1.ASN1Encodable getValue() {
            return new org.bouncycastle.asn1.crmf.CertId(new GeneralName(X500Name.getInstance(current.getIssuerX500Principal().getEncoded())),
                    current.getSerialNumber());
        }
    }

    /**
     * The certificate in the CA's {@code ip}, once the answer is MAC-protected under the secret,
     * belongs to this transaction, answers its nonce, grants the request and certifies the phone's
     * key. The CA's root, sent along in {@code caPubs} under the same protection, is {@link #root}.
     */
    public X509Certificate certificate(byte[] answer) {
        ProtectedPKIMessage message = checked(answer, protection instanceof Secret ? PKIBody.TYPE_INIT_REP : PKIBody.TYPE_KEY_UPDATE_REP);
        CertificateRepMessage reply = CertificateRepMessage.fromPKIBody(message.getBody());
        CertificateResponse[] responses = reply.getResponses();
        if (responses.length != 1 || !responses[0].toASN1Structure().getCertReqId().hasValue(0)) {
            throw EnrolmentException.malformed("the answer is not for this one request");
        }
        PKIStatusInfo status = responses[0].toASN1Structure().getStatus();
        if (status.getStatus().intValue() != PKIStatus.GRANTED && status.getStatus().intValue() != PKIStatus.GRANTED_WITH_MODS) {
            throw refusal(status);
        }
        try {
            issued = new X509CertificateHolder(responses[0].getCertificate().getX509v3PKCert());
            if (!Arrays.equals(issued.getSubjectPublicKeyInfo().getEncoded(), key.getPublic().getEncoded())) {
                throw EnrolmentException.malformed("the certificate is for another key");
            }
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            if (protection instanceof Secret) {
                X509CertificateHolder[] caPubs = reply.getX509Certificates();
                if (caPubs.length != 1) {
                    throw EnrolmentException.malformed("the answer does not carry the CA's root");
                }
                root = converter.getCertificate(caPubs[0]); // authenticated by the secret, as the whole answer
            }
            ca = message.getHeader().getSender();
            caNonce = message.getHeader().getSenderNonce().getOctets();
            return converter.getCertificate(issued);
        } catch (CMSException | IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof EnrolmentException refused) {
                throw refused;
            }
            throw EnrolmentException.malformed("the answer's certificate does not decode");
        }
    }

    /** The CA's root: as the {@code ip} gave it, authenticated by the secret; or, renewing, the one the phone trusts already. */
    public X509Certificate root() {
        if (root == null) {
            throw new IllegalStateException("no certificate yet");
        }
        return root;
    }

    /** The {@code certConf} accepting the certificate of {@link #certificate}: DER, to post. */
    public byte[] confirmation() {
        if (issued == null) {
            throw new IllegalStateException("no certificate to confirm");
        }
        try {
            return protect(builder(ca, caNonce).setBody(PKIBody.TYPE_CERT_CONFIRM, new CertificateConfirmationContentBuilder()
                    .addAcceptedCertificate(issued, BigInteger.ZERO)
                    .build(new JcaDigestCalculatorProviderBuilder().build())));
        } catch (CMPException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the confirmation", e);
        }
    }

    /** Checks the CA's {@code pkiConf}: the enrolment is complete, and the certificate good from now on. */
    public void confirmed(byte[] answer) {
        checked(answer, PKIBody.TYPE_CONFIRM);
    }

    private ProtectedPKIMessage checked(byte[] answer, int expectedType) {
        GeneralPKIMessage general;
        try {
            general = new GeneralPKIMessage(answer);
        } catch (IOException | RuntimeException e) {
            throw EnrolmentException.malformed("the CA's answer is not a CMP message");
        }
        if (general.getBody().getType() == PKIBody.TYPE_ERROR) {
            // Refusals before the CA knew the secret come unprotected; they move nothing on the phone.
            throw refusal(ErrorMsgContent.getInstance(general.getBody().getContent()).getPKIStatusInfo());
        }
        if (!general.hasProtection()) {
            throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "the CA's answer is not protected");
        }
        ProtectedPKIMessage message = new ProtectedPKIMessage(general);
        PKIHeader header = message.getHeader();
        try {
            boolean verified = switch (protection) {
                case Secret secret -> message.hasPasswordBasedMacProtection() && message.verify(pkmac(), secret.secret());
                case Signature signature -> !message.hasPasswordBasedMacProtection()
                        && message.verify(new JcaContentVerifierProviderBuilder().build(signature.root())); // the root it trusts, not extraCerts
            };
            if (!verified) {
                throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "the CA's answer's protection does not verify");
            }
        } catch (CMPException | OperatorCreationException | RuntimeException e) {
            if (e instanceof EnrolmentException refused) {
                throw refused;
            }
            throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "the CA's answer's protection does not verify");
        }
        if (header.getTransactionID() == null || !MessageDigest.isEqual(header.getTransactionID().getOctets(), transactionId)
                || header.getRecipNonce() == null || !MessageDigest.isEqual(header.getRecipNonce().getOctets(), sentNonce)
                || header.getSenderNonce() == null) {
            throw EnrolmentException.malformed("the answer is not for this transaction's last message");
        }
        if (message.getBody().getType() != expectedType) {
            throw EnrolmentException.malformed("the answer is not the message that comes next");
        }
        return message;
    }

    private ProtectedPKIMessageBuilder builder(GeneralName recipient, byte[] recipientNonce) {
        sentNonce = random();
        ProtectedPKIMessageBuilder builder = new ProtectedPKIMessageBuilder(PKIHeader.CMP_2000, sender, recipient)
                .setSenderKID(switch (protection) {
                    case Secret secret -> secret.reference().getBytes(StandardCharsets.UTF_8);
                    case Signature signature -> subjectKeyId(signature.current()); // RFC 9483 section 3.2
                })
                .setTransactionID(transactionId)
                .setSenderNonce(sentNonce)
                .setMessageTime(new java.util.Date());
        return recipientNonce == null ? builder : builder.setRecipNonce(recipientNonce);
    }

    private byte[] protect(ProtectedPKIMessageBuilder builder) {
        try {
            ProtectedPKIMessage message = switch (protection) {
                case Secret secret -> builder.build(pkmac().setIterationCount(ITERATIONS).build(secret.secret()));
                case Signature signature -> builder.addCMPCertificate(new X509CertificateHolder(signature.current().getEncoded()))
                        .build(new JcaContentSignerBuilder(CertificateProfile.SIGNATURE_ALGORITHM).build(signature.currentKey()));
            };
            return message.toASN1Structure().getEncoded();
        } catch (CMPException | CRMFException | IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot protect the CMP message", e);
        }
    }

    /** The subject key identifier of {@code certificate} (the profile puts one in every certificate). */
    static byte[] subjectKeyId(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier.getId());
        if (extension == null) {
            throw new IllegalArgumentException("the certificate has no subject key identifier");
        }
        return org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier();
    }

    static PKMACBuilder pkmac() {
        return new PKMACBuilder(new JcePKMACValuesCalculator());
    }

    /** Whether PBM parameters stay within what the CA computes for an unauthenticated request. */
    public static boolean acceptable(PBMParameter parameters) {
        int iterations = parameters.getIterationCount().intValueExact();
        int salt = parameters.getSalt().getOctets().length;
        return iterations >= MIN_ITERATIONS && iterations <= MAX_ITERATIONS && salt >= 8 && salt <= 64;
    }

    /** The PBM calculator of the CA's side, for the same parameters. */
    public static PKMACBuilder verifier() {
        return pkmac();
    }

    /** The status text of a refusal: the code first, then why. */
    public static PKIFreeText text(ErrorCode code, String why) {
        return new PKIFreeText(code.value() + CODE_SEPARATOR + why);
    }

    private static EnrolmentException refusal(PKIStatusInfo status) {
        String text = status.getStatusString() == null || status.getStatusString().size() == 0 ? "" : status.getStatusString().getStringAt(0).getString();
        int colon = text.indexOf(CODE_SEPARATOR);
        ErrorCode code = EnrolmentException.MALFORMED;
        if (colon > 0 && text.startsWith("s1.")) {
            try {
                code = ErrorCode.decode(text.substring(0, colon), escudo.core.EscudoException.Kind.REFUSED);
            } catch (IllegalArgumentException e) {
                // not a code: reported as malformed
            }
        }
        return new EnrolmentException(code, "the CA refused: " + Text.forLog(colon > 0 ? text.substring(colon + CODE_SEPARATOR.length()) : text));
    }

    /** A fresh 128-bit transaction id or nonce, as RFC 9483 asks of both sides. */
    public static byte[] random() {
        byte[] bytes = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
