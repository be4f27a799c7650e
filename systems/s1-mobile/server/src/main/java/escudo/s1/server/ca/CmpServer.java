package escudo.s1.server.ca;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.EnrolmentException;
import escudo.s1.protocol.RelyingParty;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cmp.ErrorMsgContent;
import org.bouncycastle.asn1.cmp.PBMParameter;
import org.bouncycastle.asn1.cmp.PKIBody;
import org.bouncycastle.asn1.cmp.PKIConfirmContent;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIHeader;
import org.bouncycastle.asn1.cmp.PKIHeaderBuilder;
import org.bouncycastle.asn1.cmp.PKIMessage;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CertId;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.cmp.CMPException;
import org.bouncycastle.cert.cmp.CertificateConfirmationContent;
import org.bouncycastle.cert.cmp.CertificateStatus;
import org.bouncycastle.cert.cmp.GeneralPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessageBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.crmf.CRMFException;
import org.bouncycastle.cert.crmf.CertificateRepMessageBuilder;
import org.bouncycastle.cert.crmf.CertificateReqMessages;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.bouncycastle.cert.crmf.CertificateResponseBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The CA's CMP endpoint (RFC 4210 over HTTP, RFC 6712), as the lightweight CMP profile has it.
 * <b>Enrolment</b> with a shared secret (RFC 9483, section 4.1.5): an {@code ir} MAC-protected
 * (PBM) under the desk's secret, the reference number as sender key id, with one certificate
 * request whose proof of possession is a signature by the requested key; the CA answers
 * {@code ip} with the certificate and its root in {@code caPubs}, under the same secret.
 * <b>Renewal</b> (section 4.1.3): a {@code kur} for a fresh key, signed by the key of a good
 * certificate of this CA carried in extraCerts; the CA answers {@code kup} for the same customer
 * and phone, signed by its root. Either way the phone's {@code certConf} (protected as its request
 * was) makes the new certificate good, a renewed one is then revoked as superseded, and the CA
 * answers {@code pkiConf}. Every refusal is a
 * CMP error message whose text starts with its Escudo code, unprotected (RFC 9483 section 3.6.4
 * allows it; a client accepts one only as a refusal, which moves nothing, so a forged one can only
 * make it stop).
 */
public final class CmpServer {

    private static final Map<ErrorCode, Integer> FAILURE_INFO = Map.ofEntries(
            Map.entry(EnrolmentException.UNKNOWN_REFERENCE, PKIFailureInfo.badRequest),
            Map.entry(EnrolmentException.EXPIRED_REFERENCE, PKIFailureInfo.notAuthorized),
            Map.entry(EnrolmentException.USED_REFERENCE, PKIFailureInfo.duplicateCertReq),
            Map.entry(EnrolmentException.LOCKED_REFERENCE, PKIFailureInfo.notAuthorized),
            Map.entry(EnrolmentException.BAD_PROTECTION, PKIFailureInfo.badMessageCheck),
            Map.entry(EnrolmentException.BAD_POP, PKIFailureInfo.badPOP),
            Map.entry(EnrolmentException.BAD_CONFIRMATION, PKIFailureInfo.badCertId),
            Map.entry(CertificateException.WRONG_PROFILE, PKIFailureInfo.badCertTemplate),
            Map.entry(CertificateException.UNTRUSTED, PKIFailureInfo.signerNotTrusted),
            Map.entry(CertificateException.EXPIRED, PKIFailureInfo.badTime),
            Map.entry(CertificateException.REVOKED, PKIFailureInfo.certRevoked),
            Map.entry(CertificateException.STATUS_UNKNOWN, PKIFailureInfo.notAuthorized),
            Map.entry(EnrolmentException.REPLAYED, PKIFailureInfo.transactionIdInUse));

    private final CertificationAuthority ca;
    private final Enrolments enrolments;
    private final GeneralName caName;
    private final X509CertificateHolder root;
    private final RelyingParty trust;
    private final DigestCalculatorProvider digests;

    public CmpServer(CertificationAuthority ca, Enrolments enrolments) {
        this.ca = ca;
        this.enrolments = enrolments;
        try {
            this.root = new X509CertificateHolder(ca.root().getEncoded());
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
        this.caName = new GeneralName(root.getSubject());
        this.trust = RelyingParty.trusting(ca.root());
    }

    /** The DER of the answer to the CMP message {@code request} (DER); never throws for what a client sends. */
    public byte[] handle(byte[] request) {
        ProtectedPKIMessage message;
        try {
            GeneralPKIMessage general = new GeneralPKIMessage(request);
            if (!general.hasProtection()) {
                return error(general.getHeader(), EnrolmentException.BAD_PROTECTION,
                        "a CMP message is MAC-protected under the desk's secret or signed by the key of the certificate it renews");
            }
            message = new ProtectedPKIMessage(general);
        } catch (IOException | RuntimeException e) {
            return error(null, EnrolmentException.MALFORMED, "not a CMP message");
        }
        PKIHeader header = message.getHeader();
        try {
            return answer(message, header);
        } catch (EscudoException refused) {
            return error(header, refused.code(), refused.getMessage());
        } catch (RuntimeException e) {
            // BouncyCastle's ASN.1 accessors throw any unchecked exception (illegal argument, index out of
            // bounds, class cast) for structures a sender made up (found by fuzzing): the sender's fault
            return error(header, EnrolmentException.MALFORMED, "the message does not follow the CMP structures");
        }
    }

    private byte[] answer(ProtectedPKIMessage message, PKIHeader header) {
        if (!message.hasPasswordBasedMacProtection()) {
            requireTransaction(header);
            return renewal(message, header);
        }
        String reference = reference(header);
        requireTransaction(header);
        if (!CmpEnrolment.acceptable(PBMParameter.getInstance(message.getProtectionAlgorithm().getParameters()))) {
            throw new EnrolmentException(EnrolmentException.BAD_PROTECTION,
                    "an enrolment message is protected by PBM with 500 to 100,000 iterations and an 8 to 64 byte salt");
        }
        int type = message.getBody().getType();
        if (type != PKIBody.TYPE_INIT_REQ && type != PKIBody.TYPE_CERT_CONFIRM) {
            throw EnrolmentException.malformed("the CA takes ir and certConf");
        }
        Enrolments.Enrolment enrolment = ca.bank().db().inTransaction(tx -> {
            Enrolments.Enrolment found = enrolments.usable(tx, reference);
            enrolments.countTry(tx, reference);
            return found;
        });
        char[] secret = enrolments.secret(enrolment);
        try {
            boolean verified;
            try {
                verified = message.verify(CmpEnrolment.verifier(), secret);
            } catch (CMPException | RuntimeException e) {
                verified = false;
            }
            if (!verified) {
                throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "the MAC does not verify under this reference's secret");
            }
            return type == PKIBody.TYPE_INIT_REQ ? initialization(message, header, enrolment, secret)
                    : confirmation(message, header, enrolment, secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private byte[] initialization(ProtectedPKIMessage message, PKIHeader header, Enrolments.Enrolment enrolment, char[] secret) {
        CertificateRequestMessage request = onlyRequest(message);
        PublicKey key = requestedKey(request);
        byte[] caNonce = CmpEnrolment.random();
        X509Certificate certificate = ca.bank().db().inTransaction(tx -> {
            enrolments.uncountTry(tx, enrolment.reference());
            Enrolments.Enrolment current = enrolments.find(tx, enrolment.reference()).orElseThrow();
            if (current.issued()) {
                throw new EnrolmentException(EnrolmentException.USED_REFERENCE, "the reference number has enrolled a certificate already");
            }
            X509Certificate issued = ca.issue(tx, current.customerId(), current.phoneNumber(), key);
            enrolments.issued(tx, current.reference(), CertificationAuthority.hex(issued.getSerialNumber()),
                    hex(header.getTransactionID()), HexFormat.of().formatHex(caNonce));
            return issued;
        });
        try {
            CertificateRepMessageBuilder reply = new CertificateRepMessageBuilder(root).addCertificateResponse(
                    new CertificateResponseBuilder(request.getCertReqId(), new PKIStatusInfo(PKIStatus.granted))
                            .withCertificate(new X509CertificateHolder(certificate.getEncoded())).build());
            return protect(builder(header, caNonce).setBody(PKIBody.TYPE_INIT_REP, reply.build()), secret);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot answer the ir", e);
        }
    }

    private byte[] confirmation(ProtectedPKIMessage message, PKIHeader header, Enrolments.Enrolment enrolment, char[] secret) {
        if (!enrolment.issued() || enrolment.confirmedAt() != null || !enrolment.transactionId().equals(hex(header.getTransactionID()))
                || !answers(header, enrolment.caNonce())) {
            throw new EnrolmentException(EnrolmentException.BAD_CONFIRMATION, "no certificate of this transaction waits for a confirmation");
        }
        BigInteger serial = new BigInteger(enrolment.serial(), 16);
        boolean accepted = accepted(message, serial);
        ca.bank().db().run(tx -> {
            enrolments.uncountTry(tx, enrolment.reference());
            enrolments.confirmed(tx, enrolment.reference());
            if (accepted) {
                ca.confirm(tx, serial);
            } else {
                ca.reject(tx, serial); // the phone refused what it got: the certificate is never good
            }
        });
        return protect(builder(header, CmpEnrolment.random()).setBody(new PKIBody(PKIBody.TYPE_CONFIRM, new PKIConfirmContent())), secret);
    }

    /**
     * RFC 9483 section 4.1.3: a {@code kur} or its {@code certConf}, signed by the key of the
     * certificate being renewed. The certificate must chain to this CA's root, fit the profile, be
     * valid and good now, and name the message's sender; the signature must verify under it.
     */
    private byte[] renewal(ProtectedPKIMessage message, PKIHeader header) {
        X509CertificateHolder[] extraCerts = message.getCertificates();
        if (extraCerts.length == 0) {
            throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "a signed CMP message carries its signer's certificate in extraCerts");
        }
        X509Certificate current;
        try {
            current = new JcaX509CertificateConverter().getCertificate(extraCerts[0]);
        } catch (GeneralSecurityException e) {
            throw EnrolmentException.malformed("the signer's certificate does not decode");
        }
        trust.verify(current, ca.clock().instant());
        boolean verified;
        try {
            verified = message.verify(new JcaContentVerifierProviderBuilder().build(current));
        } catch (CMPException | OperatorCreationException | RuntimeException e) {
            verified = false;
        }
        if (!verified) {
            throw new EnrolmentException(EnrolmentException.BAD_PROTECTION, "the signature does not verify under the certificate it carries");
        }
        if (!header.getSender().equals(new GeneralName(extraCerts[0].getSubject()))) {
            throw EnrolmentException.malformed("the sender is the subject of the certificate that signs (RFC 9483 section 3.2)");
        }
        ca.requireGood(current);
        return switch (message.getBody().getType()) {
            case PKIBody.TYPE_KEY_UPDATE_REQ -> keyUpdate(message, header, current);
            case PKIBody.TYPE_CERT_CONFIRM -> renewalConfirmation(message, header, current);
            default -> throw EnrolmentException.malformed("a signed message is a kur or the certConf of one");
        };
    }

    private byte[] keyUpdate(ProtectedPKIMessage message, PKIHeader header, X509Certificate current) {
        CertificateRequestMessage request = onlyRequest(message);
        PublicKey key = requestedKey(request);
        Controls controls = request.toASN1Structure().getCertReq().getControls(); // BouncyCastle's getControl knows no oldCertID
        for (AttributeTypeAndValue control : controls == null ? new AttributeTypeAndValue[0] : controls.toAttributeTypeAndValueArray()) {
            if (control.getType().equals(CRMFObjectIdentifiers.id_regCtrl_oldCertID)) {
                CertId old = CertId.getInstance(control.getValue());
                if (!old.getSerialNumber().getValue().equals(current.getSerialNumber()) || !old.getIssuer().equals(new GeneralName(root.getSubject()))) {
                    throw new EnrolmentException(EnrolmentException.BAD_POP, "the request renews another certificate than the one that signs it");
                }
            }
        }
        CertificationAuthority.Entry renewed = ca.entry(current.getSerialNumber()).orElseThrow();
        byte[] caNonce = CmpEnrolment.random();
        X509Certificate certificate = ca.bank().db().inTransaction(tx -> {
            X509Certificate issued = ca.issue(tx, renewed.customerId(), renewed.phoneNumber(), key);
            if (!tx.tryInsert("INSERT INTO s1_renewal (transaction_id, old_serial, new_serial, ca_nonce, issued_at) VALUES (?, ?, ?, ?, ?)",
                    hex(header.getTransactionID()), CertificationAuthority.hex(current.getSerialNumber()),
                    CertificationAuthority.hex(issued.getSerialNumber()), HexFormat.of().formatHex(caNonce), ca.clock().instant())) {
                throw new EnrolmentException(EnrolmentException.REPLAYED, "the CA answered this CMP transaction already");
            }
            return issued;
        });
        try {
            CertificateRepMessageBuilder reply = new CertificateRepMessageBuilder().addCertificateResponse(
                    new CertificateResponseBuilder(request.getCertReqId(), new PKIStatusInfo(PKIStatus.granted))
                            .withCertificate(new X509CertificateHolder(certificate.getEncoded())).build());
            return signed(builder(header, caNonce).setBody(PKIBody.TYPE_KEY_UPDATE_REP, reply.build()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot answer the kur", e);
        }
    }

    private byte[] renewalConfirmation(ProtectedPKIMessage message, PKIHeader header, X509Certificate current) {
        record Renewal(String oldSerial, BigInteger newSerial, String caNonce, boolean confirmed) {
        }
        Renewal renewal = ca.bank().db().inTransaction(tx -> tx.queryOne("SELECT old_serial, new_serial, ca_nonce, confirmed_at FROM s1_renewal"
                + " WHERE transaction_id = ?", r -> new Renewal(r.getString(1), new BigInteger(r.getString(2), 16), r.getString(3),
                r.getObject(4) != null), hex(header.getTransactionID())))
                .filter(r -> !r.confirmed() && r.oldSerial().equals(CertificationAuthority.hex(current.getSerialNumber())) && answers(header, r.caNonce()))
                .orElseThrow(() -> new EnrolmentException(EnrolmentException.BAD_CONFIRMATION, "no renewal of this transaction waits for a confirmation"));
        boolean accepted = accepted(message, renewal.newSerial());
        ca.bank().db().run(tx -> {
            if (tx.update("UPDATE s1_renewal SET confirmed_at = ? WHERE transaction_id = ? AND confirmed_at IS NULL", ca.clock().instant(),
                    hex(header.getTransactionID())) != 1) {
                throw new EnrolmentException(EnrolmentException.BAD_CONFIRMATION, "the renewal was confirmed already");
            }
            if (accepted) {
                ca.confirm(tx, renewal.newSerial());
                ca.supersede(tx, current.getSerialNumber());
            } else {
                ca.reject(tx, renewal.newSerial()); // the phone keeps its current certificate
            }
        });
        return signed(builder(header, CmpEnrolment.random()).setBody(new PKIBody(PKIBody.TYPE_CONFIRM, new PKIConfirmContent())));
    }

    private static CertificateRequestMessage onlyRequest(ProtectedPKIMessage message) {
        CertificateRequestMessage[] requests = CertificateReqMessages.fromPKIBody(message.getBody()).getRequests();
        if (requests.length != 1) {
            throw EnrolmentException.malformed("a request holds one certificate request");
        }
        return requests[0];
    }

    /** The P-256 key a request asks a certificate for, if the request is signed by it (proof of possession). */
    private static PublicKey requestedKey(CertificateRequestMessage request) {
        SubjectPublicKeyInfo keyInfo = request.getCertTemplate().getPublicKey();
        if (keyInfo == null) {
            throw EnrolmentException.malformed("the certificate request names no public key");
        }
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded()));
            if (!request.hasProofOfPossession() || request.getProofOfPossessionType() != CertificateRequestMessage.popSigningKey
                    || !request.isValidSigningKeyPOP(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new EnrolmentException(EnrolmentException.BAD_POP, "the request is not signed by the key it asks a certificate for");
            }
            return key;
        } catch (GeneralSecurityException | IOException | CRMFException | OperatorCreationException | IllegalStateException e) {
            throw new CertificateException(CertificateException.WRONG_PROFILE, "the requested key is not a P-256 key with a proof of possession");
        }
    }

    /** Whether a {@code certConf} accepts the certificate {@code serial} (its one status has that certificate's hash); else refused. */
    private boolean accepted(ProtectedPKIMessage message, BigInteger serial) {
        CertificateStatus[] statuses = CertificateConfirmationContent.fromPKIBody(message.getBody()).getStatusMessages();
        boolean hashMatches;
        try {
            X509CertificateHolder issued = new X509CertificateHolder(ca.entry(serial).orElseThrow().certificate().getEncoded());
            hashMatches = statuses.length == 1 && statuses[0].getCertRequestID().signum() == 0 && statuses[0].isVerified(issued, digests);
        } catch (IOException | GeneralSecurityException | CMPException e) {
            hashMatches = false;
        }
        if (!hashMatches) {
            throw new EnrolmentException(EnrolmentException.BAD_CONFIRMATION, "the confirmation is not for the certificate this transaction issued");
        }
        PKIStatusInfo status = statuses[0].getStatusInfo();
        return status == null || status.getStatus().intValue() == PKIStatus.GRANTED;
    }

    /** Whether the message answers the CA's last message of its transaction ({@code caNonce}, hex). */
    private static boolean answers(PKIHeader header, String caNonce) {
        return header.getRecipNonce() != null && caNonce.equals(HexFormat.of().formatHex(header.getRecipNonce().getOctets()));
    }

    private static void requireTransaction(PKIHeader header) {
        if (header.getTransactionID() == null || header.getTransactionID().getOctets().length < CmpEnrolment.NONCE_LENGTH
                || header.getSenderNonce() == null || header.getSenderNonce().getOctets().length < CmpEnrolment.NONCE_LENGTH) {
            throw EnrolmentException.malformed("a message carries a transaction id and a sender nonce of at least 128 bits");
        }
    }

    /** A renewal's answer: signed by the root, which travels in extraCerts. */
    private byte[] signed(ProtectedPKIMessageBuilder builder) {
        try {
            return builder.addCMPCertificate(root).build(ca.cmpSigner()).toASN1Structure().getEncoded();
        } catch (CMPException | IOException e) {
            throw new IllegalStateException("cannot sign the answer", e);
        }
    }

    private ProtectedPKIMessageBuilder builder(PKIHeader request, byte[] senderNonce) {
        return new ProtectedPKIMessageBuilder(PKIHeader.CMP_2000, caName, request.getSender())
                .setTransactionID(request.getTransactionID().getOctets())
                .setRecipNonce(request.getSenderNonce().getOctets())
                .setSenderNonce(senderNonce)
                .setRecipKID(request.getSenderKID().getOctets())
                .setMessageTime(Date.from(ca.clock().instant()));
    }

    private static byte[] protect(ProtectedPKIMessageBuilder builder, char[] secret) {
        try {
            return builder.build(CmpEnrolment.verifier().setIterationCount(CmpEnrolment.ITERATIONS).build(secret)).toASN1Structure().getEncoded();
        } catch (CMPException | CRMFException | IOException e) {
            throw new IllegalStateException("cannot protect the answer", e);
        }
    }

    private byte[] error(PKIHeader request, ErrorCode code, String why) {
        PKIBody body = new PKIBody(PKIBody.TYPE_ERROR, new ErrorMsgContent(new PKIStatusInfo(PKIStatus.rejection,
                CmpEnrolment.text(code, why), new PKIFailureInfo(FAILURE_INFO.getOrDefault(code, PKIFailureInfo.badRequest)))));
        GeneralName recipient = request == null ? PKIHeader.NULL_NAME : request.getSender();
        PKIHeaderBuilder unprotected = new PKIHeaderBuilder(PKIHeader.CMP_2000, caName, recipient)
                .setSenderNonce(CmpEnrolment.random())
                .setMessageTime(new ASN1GeneralizedTime(Date.from(ca.clock().instant())));
        if (request != null && request.getTransactionID() != null) {
            unprotected.setTransactionID(request.getTransactionID());
        }
        if (request != null && request.getSenderNonce() != null) {
            unprotected.setRecipNonce(request.getSenderNonce());
        }
        try {
            return new PKIMessage(unprotected.build(), body).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reference(PKIHeader header) {
        ASN1OctetString kid = header.getSenderKID();
        String reference = kid == null ? "" : new String(kid.getOctets(), StandardCharsets.US_ASCII);
        if (!reference.matches("[0-9]{12}")) {
            throw new EnrolmentException(EnrolmentException.UNKNOWN_REFERENCE, "the sender key id is not a reference number");
        }
        return reference;
    }

    private static String hex(ASN1OctetString octets) {
        return HexFormat.of().formatHex(octets.getOctets());
    }
}
