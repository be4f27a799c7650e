package escudo.s1.server.ca;

import escudo.bank.Bank;
import escudo.crypto.SecretBox;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.protocol.UserIdentity;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certification authority of seed 001 (server 600), a role of the bank's node: it issues X.509
 * user certificates under {@link CertificateProfile}, revokes them, and publishes their standing as
 * a CRL (RFC 5280) and through an OCSP responder (RFC 6960, {@link OcspResponder}). Its root key
 * pair (ECDSA P-256) is made on first start and kept in its table sealed under the node's key
 * vault; the root certificate is what every relying party is configured to trust.
 */
public final class CertificationAuthority {

    /** How long the root is valid; a rotation before then is an operations procedure (docs/s1-mobile.md). */
    public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    /** How long a CRL is good for; a CRL is signed afresh at most once per {@link #CRL_REISSUE}, or at once after a revocation. */
    public static final Duration CRL_VALIDITY = Duration.ofHours(24);
    static final Duration CRL_REISSUE = Duration.ofMinutes(1);
    private static final String ROOT = "root";
    private static final byte[] ROOT_KEY_DATA = "escudo/s1/ca-root-key/v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bank bank;
    private final Database db;
    private final Clock clock;
    private final URI publicUri;
    private final Duration validity;
    private final X509Certificate root;
    private final PrivateKey rootKey;
    private final OcspResponder responder;
    private volatile SignedCrl crl;

    private record SignedCrl(byte[] der, Instant thisUpdate) {
    }

    private CertificationAuthority(Bank bank, Clock clock, URI publicUri, Duration validity, X509Certificate root, PrivateKey rootKey) {
        this.bank = bank;
        this.db = bank.db();
        this.clock = clock;
        this.publicUri = publicUri;
        this.validity = validity;
        this.root = root;
        this.rootKey = rootKey;
        this.responder = new OcspResponder(this, root, rootKey, clock);
    }

    /**
     * The bank's CA on its database (migrations {@code s1_ca}), reached by relying parties at
     * {@code publicUri} (its CRL and OCSP addresses go into every certificate), issuing user
     * certificates valid for {@code validity}; its root key is sealed with {@code box}.
     */
    public static CertificationAuthority open(Bank bank, SecretBox box, Clock clock, URI publicUri, Duration validity) {
        Objects.requireNonNull(publicUri, "publicUri");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a certificate is valid for a positive time");
        }
        bank.db().migrate("s1_ca");
        StoredKey stored = bank.db().inTransaction(tx -> loadRoot(tx).orElseGet(() -> {
            KeyPair pair = CertificateProfile.newKeyPair();
            X509Certificate certificate = selfSigned(bank.bankId(), pair, clock.instant());
            byte[] sealed = box.seal(pair.getPrivate().getEncoded(), ROOT_KEY_DATA);
            if (!tx.tryInsert("INSERT INTO s1_ca_key (name, certificate, sealed_key, created_at) VALUES (?, ?, ?, ?)",
                    ROOT, base64(der(certificate)), base64(sealed), clock.instant())) {
                return loadRoot(tx).orElseThrow(); // another node on this database made it first
            }
            return new StoredKey(certificate, sealed);
        }));
        byte[] pkcs8 = box.open(stored.sealedKey(), ROOT_KEY_DATA, "the CA's root key");
        try {
            return new CertificationAuthority(bank, clock, publicUri, validity, stored.certificate(), privateKey(pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The root certificate: the trust anchor of every relying party. */
    public X509Certificate root() {
        return root;
    }

    Bank bank() {
        return bank;
    }

    Clock clock() {
        return clock;
    }

    public OcspResponder responder() {
        return responder;
    }

    /** Where relying parties ask for a certificate's standing (authority information access). */
    public URI ocspUri() {
        return publicUri.resolve("/issuer/ca/ocsp");
    }

    /** Where relying parties fetch the CRL (CRL distribution point). */
    public URI crlUri() {
        return publicUri.resolve("/issuer/ca/crl");
    }

    /**
     * Issues a user certificate for {@code key} to the bank's customer {@code customerId} at
     * {@code phoneNumber}: the name in it is the customer's name at the bank. Refuses an unknown
     * customer ({@code issuer.unknown-customer}) and a key that is not P-256 ({@code s1.certificate-profile}).
     * Users enrol through {@link CmpServer}; this is its step and the tests'.
     */
    X509Certificate issue(String customerId, String phoneNumber, PublicKey key) {
        return db.inTransaction(tx -> issue(tx, customerId, phoneNumber, key));
    }

    /** {@link #issue} in the caller's transaction: the certificate is good once {@link #confirm}ed. */
    X509Certificate issue(Tx tx, String customerId, String phoneNumber, PublicKey key) {
        if (!(key instanceof java.security.interfaces.ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new CertificateException(CertificateException.WRONG_PROFILE, "a user certificate holds a P-256 key");
        }
        bank.customer(tx, customerId);
        UserIdentity user = new UserIdentity(bank.customerName(tx, customerId), customerId, phoneNumber);
        Instant now = clock.instant();
        Instant notBefore = now.minus(CertificateProfile.BACKDATING);
        Instant notAfter = now.plus(validity);
        return tx.insertWithFreshId(() -> userCertificate(user, key, serial(), notBefore, notAfter),
                certificate -> tx.tryInsert("INSERT INTO s1_certificate (serial, customer_id, phone_number, certificate,"
                                + " not_before, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        hex(certificate.getSerialNumber()), customerId, phoneNumber, base64(der(certificate)), notBefore, notAfter, now),
                "certificate serial number");
    }

    /**
     * The phone accepted the certificate (its CMP certConf): from now on OCSP answers "good" for
     * it. Until then a certificate is unknown to relying parties, as RFC 4210 section 5.3.18 lets a
     * CA treat one whose holder never confirmed it.
     */
    void confirm(Tx tx, BigInteger serial) {
        tx.update("UPDATE s1_certificate SET confirmed_at = ? WHERE serial = ? AND confirmed_at IS NULL", clock.instant(), hex(serial));
    }

    /** The certificate's holder rejected it: revoked, so that it is never good. */
    void reject(Tx tx, BigInteger serial) {
        end(tx, serial, RevocationReason.CESSATION_OF_OPERATION);
    }

    /** A renewal the phone confirmed replaces the certificate it renewed: revoked as superseded. */
    void supersede(Tx tx, BigInteger serial) {
        end(tx, serial, RevocationReason.SUPERSEDED);
    }

    private void end(Tx tx, BigInteger serial, RevocationReason reason) {
        tx.update("UPDATE s1_certificate SET revoked_at = ?, revocation_reason = ? WHERE serial = ? AND revoked_at IS NULL",
                clock.instant(), reason.code(), hex(serial));
        crl = null;
    }

    /** The root key's signer, for the CA's signature-protected CMP answers. */
    ContentSigner cmpSigner() {
        return signer(rootKey);
    }

    /**
     * Revokes the certificate {@code serial} for {@code reason}: from now on the OCSP responder
     * answers "revoked" and the next CRL lists it. Returns the certificate as now recorded.
     */
    public Entry revoke(BigInteger serial, RevocationReason reason) {
        Objects.requireNonNull(reason, "reason");
        Entry revoked = db.inTransaction(tx -> {
            Entry entry = entry(tx, serial).orElseThrow(CertificationAuthority::notFound);
            if (entry.revokedAt() != null) {
                throw new CertificateException(CertificateException.ALREADY_REVOKED, "the certificate is revoked already");
            }
            tx.update("UPDATE s1_certificate SET revoked_at = ?, revocation_reason = ? WHERE serial = ?",
                    clock.instant(), reason.code(), hex(serial));
            return entry(tx, serial).orElseThrow();
        });
        crl = null;
        return revoked;
    }

    /** What the CA knows of one certificate. */
    public record Entry(BigInteger serial, String customerId, String phoneNumber, X509Certificate certificate,
                        Instant confirmedAt, Instant revokedAt, RevocationReason revocationReason) {
    }

    /** The certificate with that serial number, if the CA issued it. */
    public Optional<Entry> entry(BigInteger serial) {
        return db.inTransaction(tx -> entry(tx, serial));
    }

    /**
     * The standing OCSP would give {@code certificate} now, read in process: refused with
     * {@code s1.certificate-revoked} once revoked, {@code s1.certificate-status-unknown} when this CA
     * did not issue exactly that certificate or its holder has not confirmed it.
     */
    public void requireGood(X509Certificate certificate) {
        Entry entry = entry(certificate.getSerialNumber()).filter(e -> e.certificate().equals(certificate))
                .orElseThrow(() -> new CertificateException(CertificateException.STATUS_UNKNOWN, "this CA did not issue that certificate"));
        if (entry.revokedAt() != null) {
            throw new CertificateException(CertificateException.REVOKED, "the certificate was revoked at " + entry.revokedAt());
        }
        if (entry.confirmedAt() == null) {
            throw new CertificateException(CertificateException.STATUS_UNKNOWN, "the certificate's holder has not confirmed it");
        }
    }

    /** The customer's certificates, newest first. */
    public List<Entry> certificatesOf(String customerId) {
        return db.inTransaction(tx -> tx.query("SELECT * FROM s1_certificate WHERE customer_id = ? ORDER BY issued_at DESC",
                CertificationAuthority::entry, customerId));
    }

    /**
     * The current CRL (DER), signed by the root: every revoked certificate that has not expired,
     * with its reason; its number grows with each CRL signed (the time it was signed, in ms).
     */
    public byte[] crl() {
        Instant now = clock.instant();
        SignedCrl current = crl;
        if (current == null || current.thisUpdate().plus(CRL_REISSUE).isBefore(now)) {
            current = signCrl(now);
            crl = current;
        }
        return current.der().clone();
    }

    private SignedCrl signCrl(Instant now) {
        List<Entry> revoked = db.inTransaction(tx -> tx.query(
                "SELECT * FROM s1_certificate WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY revoked_at",
                CertificationAuthority::entry, now));
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(new X509CertificateHolder(der(root)).getSubject(), Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
            for (Entry entry : revoked) {
                builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entry.revocationReason().code());
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            X509CRLHolder signed = builder.build(signer(rootKey));
            return new SignedCrl(signed.getEncoded(), now);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the CRL", e);
        }
    }

    Optional<Entry> entry(Tx tx, BigInteger serial) {
        return tx.queryOne("SELECT * FROM s1_certificate WHERE serial = ?", CertificationAuthority::entry, hex(serial));
    }

    private static Entry entry(java.sql.ResultSet row) throws java.sql.SQLException {
        int code = row.getInt("revocation_reason");
        RevocationReason reason = row.wasNull() ? null : RevocationReason.of(code);
        return new Entry(new BigInteger(row.getString("serial"), 16), row.getString("customer_id"), row.getString("phone_number"),
                RelyingParty.certificate(Base64.getDecoder().decode(row.getString("certificate"))),
                Tx.instant(row, "confirmed_at"), Tx.instant(row, "revoked_at"), reason);
    }

    private X509Certificate userCertificate(UserIdentity user, PublicKey key, BigInteger serial, Instant notBefore, Instant notAfter) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(new X509CertificateHolder(der(root)).getSubject(), serial,
                    Date.from(notBefore), Date.from(notAfter), CertificateProfile.subject(user), SubjectPublicKeyInfo.getInstance(key.getEncoded()))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
                    .addExtension(Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation(CertificateProfile.POLICY)))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(root))
                    .addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                            AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUri().toString())))
                    .addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                            new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUri().toString()))),
                            null, null)}));
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(rootKey)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    private static X509Certificate selfSigned(String bankId, KeyPair pair, Instant now) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, bankId).addRDN(BCStyle.CN, bankId + " S1 root CA").build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial(), Date.from(now.minus(CertificateProfile.BACKDATING)),
                    Date.from(now.plus(ROOT_VALIDITY)), name, SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(pair.getPrivate())));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the CA's root certificate", e);
        }
    }

    static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(CertificateProfile.SIGNATURE_ALGORITHM).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no " + CertificateProfile.SIGNATURE_ALGORITHM + " signer", e);
        }
    }

    private record StoredKey(X509Certificate certificate, byte[] sealedKey) {
    }

    private static Optional<StoredKey> loadRoot(Tx tx) {
        return tx.queryOne("SELECT certificate, sealed_key FROM s1_ca_key WHERE name = ?", row -> new StoredKey(
                RelyingParty.certificate(Base64.getDecoder().decode(row.getString("certificate"))),
                Base64.getDecoder().decode(row.getString("sealed_key"))), ROOT);
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA's root key does not decode", e);
        }
    }

    /** 128 random bits, positive and without a leading zero byte problem: RFC 5280 allows up to 20 octets. */
    private static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }

    static String hex(BigInteger serial) {
        return serial.toString(16);
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static CertificateException notFound() {
        return new CertificateException(CertificateException.NOT_FOUND, "the CA issued no certificate with that serial number");
    }
}
