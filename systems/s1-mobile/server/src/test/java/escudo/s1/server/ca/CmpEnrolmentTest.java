package escudo.s1.server.ca;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.http.Desk;
import escudo.node.spi.Secrets;
import escudo.node.testing.Http10Relay;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.CaApi;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.EnrolmentException;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.protocol.UserIdentity;
import escudo.testing.Command;
import escudo.testing.TestBytes;
import escudo.testing.TestClock;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.asn1.cmp.PKIBody;
import org.bouncycastle.asn1.cmp.PKIHeader;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.cmp.ProtectedPKIMessageBuilder;
import org.bouncycastle.cert.crmf.CertificateReqMessagesBuilder;
import org.bouncycastle.cert.crmf.PKMACBuilder;
import org.bouncycastle.cert.crmf.jcajce.JcaCertificateRequestMessageBuilder;
import org.bouncycastle.cert.crmf.jcajce.JcePKMACValuesCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, S100-S140 in CMP (RFC 4210, the lightweight profile of RFC 9483): the desk's
 * reference number and secret, the phone's ir and certConf over HTTP, the certificate good only
 * once confirmed; openssl cmp, a stock client, enrols the same way. And every way a reference or a
 * message is refused, changing nothing.
 */
class CmpEnrolmentTest {

    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private CertificationAuthority ca;
    private RelyingParty relyingParty;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        Secrets secrets = Secrets.ephemeral(SigningKey.generate());
        bank = RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank-1", "escudo.issuer.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("bank"))).secrets(secrets).clock(clock).start());
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("100.00 EUR")),
                BankApi.Balance.class);
        ca = bank.node().service(CertificationAuthority.class);
        relyingParty = RelyingParty.trusting(ca.root());
    }

    @AfterEach
    void stop() {
        http.close();
        bank.close();
    }

    @Test
    void thePhoneEnrolsWithTheReferenceNumberAndTheCertificateIsGoodOnceConfirmed() throws Exception {
        CaApi.Reference reference = desk(PHONE);
        assertTrue(reference.reference().matches("[0-9]{12}"), reference.reference());
        assertEquals(clock.instant().plus(Enrolments.LIFETIME), reference.expiresAt());
        KeyPair key = CertificateProfile.newKeyPair();
        CmpEnrolment enrolment = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), key);

        X509Certificate certificate = enrolment.certificate(cmp(enrolment.request()));
        assertEquals(ca.root(), enrolment.root(), "the root came in caPubs, under the secret");
        assertEquals(new UserIdentity("Alice Andersson", "alice", PHONE), relyingParty.verify(certificate, clock.instant()));
        assertEquals(key.getPublic(), certificate.getPublicKey());
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> standing(certificate));

        enrolment.confirmed(cmp(enrolment.confirmation()));
        assertEquals(certificate.getSerialNumber(), standing(certificate).serial());
        CaApi.CertificateView listed = bank.desk().get("/issuer/customers/alice/certificates", CaApi.Certificates.class)
                .certificates().getFirst();
        assertEquals(clock.instant(), listed.confirmedAt());

        CmpEnrolment again = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), CertificateProfile.newKeyPair());
        assertRefused(EnrolmentException.USED_REFERENCE, () -> again.certificate(cmp(again.request())));
        assertEquals(1, ca.certificatesOf("alice").size());
    }

    @Test
    void opensslCmpAStockClientEnrolsTheSameWay() throws Exception {
        CaApi.Reference reference = desk(PHONE);
        assertEquals(0, Command.run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem").exit());
        String recipient = "/" + ca.root().getSubjectX500Principal().getName().replace(",", "/").replaceAll("^(.*)/(.*)$", "$2/$1");
        Command enrolled;
        try (Http10Relay front = Http10Relay.to(bank.uri())) { // openssl speaks HTTP/1.0 (docs/s1-mobile.md)
            enrolled = Command.run(dir, "openssl", "cmp", "-cmd", "ir", "-server", front.authority(), "-path", "issuer/ca/cmp", "-ref", reference.reference(), "-secret", "pass:" + reference.secret(), "-newkey", "key.pem",
                    "-subject", "/CN=Alice", "-recipient", recipient, "-certout", "alice.pem", "-cacertsout", "cacerts.pem", "-unprotected_errors");
        }
        assertEquals(0, enrolled.exit(), enrolled.output());
        X509Certificate certificate = RelyingParty.certificate(pemBody(Files.readString(dir.resolve("alice.pem"))));
        assertEquals("Alice Andersson", relyingParty.verify(certificate, clock.instant()).name()); // the CA names the customer, not the template
        assertEquals(certificate.getSerialNumber(), standing(certificate).serial(), "openssl confirmed it");
        Command verified = Command.run(dir, "openssl", "verify", "-CAfile", "cacerts.pem", "alice.pem");
        assertTrue(verified.output().contains("alice.pem: OK"), verified.output());
    }

    @Test
    void aWrongSecretIsCountedAndLocksTheReferenceAfterFive() throws Exception {
        CaApi.Reference reference = desk(PHONE);
        for (int i = 0; i < Enrolments.MAX_FAILURES; i++) {
            CmpEnrolment guess = CmpEnrolment.start(reference.reference(), ("WRONG" + i).toCharArray(), CertificateProfile.newKeyPair());
            assertRefused(EnrolmentException.BAD_PROTECTION, () -> guess.certificate(cmp(guess.request())));
        }
        CmpEnrolment right = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), CertificateProfile.newKeyPair());
        assertRefused(EnrolmentException.LOCKED_REFERENCE, () -> right.certificate(cmp(right.request())));
        assertEquals(0, ca.certificatesOf("alice").size());
    }

    @Test
    void anUnknownOrExpiredReferenceARequestSignedByAnotherKeyAndMalformedMessagesAreRefused() throws Exception {
        CmpEnrolment unknown = CmpEnrolment.start("123456789012", "ANYTHING".toCharArray(), CertificateProfile.newKeyPair());
        assertRefused(EnrolmentException.UNKNOWN_REFERENCE, () -> unknown.certificate(cmp(unknown.request())));

        CaApi.Reference reference = desk(PHONE);
        KeyPair requested = CertificateProfile.newKeyPair();
        byte[] forged = irWithProofBy(reference, requested, CertificateProfile.newKeyPair());
        CmpEnrolment phone = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), requested);
        assertRefused(EnrolmentException.BAD_POP, () -> phone.certificate(cmp(forged)));
        assertRefused(EnrolmentException.MALFORMED, () -> phone.certificate(cmp(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00})));

        byte[] ir = phone.request();
        byte[] altered = ir.clone();
        altered[altered.length / 2] ^= 0x01;
        assertRefused(EnrolmentException.BAD_PROTECTION, () -> phone.certificate(cmp(altered)));

        clock.advance(Enrolments.LIFETIME);
        assertRefused(EnrolmentException.EXPIRED_REFERENCE, () -> phone.certificate(cmp(ir)));
        assertEquals(0, ca.certificatesOf("alice").size(), "no refusal issued anything");
    }

    @Test
    void aTamperedAnswerAConfirmationOfAnotherCertificateAndTheDeskWithoutItsTokenAreRefused() throws Exception {
        CaApi.Reference reference = desk(PHONE);
        CmpEnrolment phone = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), CertificateProfile.newKeyPair());
        byte[] ir = phone.request();
        byte[] answer = cmp(ir);
        byte[] tampered = answer.clone();
        tampered[TestBytes.indexOf(tampered, reference.reference().getBytes())] ^= 0x01; // a digit of the recipient key id: still DER
        assertRefused(EnrolmentException.BAD_PROTECTION, () -> phone.certificate(tampered));
        byte[] truncated = java.util.Arrays.copyOf(answer, answer.length / 2);
        assertRefused(EnrolmentException.MALFORMED, () -> phone.certificate(truncated));
        X509Certificate certificate = phone.certificate(answer);

        CmpEnrolment other = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), CertificateProfile.newKeyPair());
        other.request();
        assertRefused(EnrolmentException.USED_REFERENCE, () -> other.certificate(cmp(ir)));
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> standing(certificate));
        phone.confirmed(cmp(phone.confirmation()));
        assertRefused(EnrolmentException.BAD_CONFIRMATION, () -> phone.confirmed(cmp(phone.confirmation())));

        try (PartyClient anyone = new PartyClient(bank.uri())) {
            assertRefused(Desk.OPERATOR_ONLY, () -> anyone.post("/issuer/ca/enrolments", new CaApi.Enrol("alice", PHONE), CaApi.Reference.class));
        }
        assertRefused(CertificateException.MALFORMED, () -> desk("0701234567"));
        assertRefused(escudo.bank.BankException.UNKNOWN_CUSTOMER, () -> bank.desk().post("/issuer/ca/enrolments",
                new CaApi.Enrol("mallory", PHONE), CaApi.Reference.class));
    }

    /** A certificate the phone holds with its key, enrolled and confirmed. */
    private record Held(X509Certificate certificate, KeyPair key) {
    }

    private Held enrolled() throws Exception {
        CaApi.Reference reference = desk(PHONE);
        KeyPair key = CertificateProfile.newKeyPair();
        CmpEnrolment enrolment = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), key);
        X509Certificate certificate = enrolment.certificate(cmp(enrolment.request()));
        enrolment.confirmed(cmp(enrolment.confirmation()));
        return new Held(certificate, key);
    }

    @Test
    void aGoodCertificateIsRenewedForAFreshKeyAndTheOldOneIsSupersededOnceTheNewOneIsConfirmed() throws Exception {
        Held current = enrolled();
        KeyPair fresh = CertificateProfile.newKeyPair();
        CmpEnrolment renewal = CmpEnrolment.renewal(current.certificate(), current.key().getPrivate(), ca.root(), fresh);
        byte[] kur = renewal.request();
        X509Certificate renewed = renewal.certificate(cmp(kur));
        assertEquals(relyingParty.verify(current.certificate(), clock.instant()), relyingParty.verify(renewed, clock.instant()), "the same user");
        assertEquals(fresh.getPublic(), renewed.getPublicKey());
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> standing(renewed));
        assertEquals(current.certificate().getSerialNumber(), standing(current.certificate()).serial(), "still good until the phone confirms");

        CmpEnrolment replay = CmpEnrolment.renewal(current.certificate(), current.key().getPrivate(), ca.root(), fresh);
        replay.request();
        assertRefused(EnrolmentException.REPLAYED, () -> replay.certificate(cmp(kur)));

        renewal.confirmed(cmp(renewal.confirmation()));
        assertEquals(renewed.getSerialNumber(), standing(renewed).serial());
        assertRefused(CertificateException.REVOKED, () -> standing(current.certificate()));
        assertEquals(RevocationReason.SUPERSEDED, ca.entry(current.certificate().getSerialNumber()).orElseThrow().revocationReason());
        assertRefused(CertificateException.REVOKED, () -> renewal.confirmed(cmp(renewal.confirmation()))); // the old key signs nothing now
        assertEquals(2, ca.certificatesOf("alice").size(), "the replay issued nothing");
    }

    @Test
    void opensslCmpRenewsTheSameWay() throws Exception {
        Held current = enrolled();
        Files.writeString(dir.resolve("current.pem"), pem("CERTIFICATE", current.certificate().getEncoded()));
        Files.writeString(dir.resolve("current.key"), pem("PRIVATE KEY", current.key().getPrivate().getEncoded()));
        Files.writeString(dir.resolve("root.pem"), pem("CERTIFICATE", ca.root().getEncoded()));
        assertEquals(0, Command.run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "new.key").exit());
        Command renewed;
        try (Http10Relay front = Http10Relay.to(bank.uri())) {
            renewed = Command.run(dir, "openssl", "cmp", "-cmd", "kur", "-server", front.authority(), "-path", "issuer/ca/cmp",
                    "-cert", "current.pem", "-key", "current.key", "-newkey", "new.key", "-trusted", "root.pem", "-certout", "renewed.pem",
                    "-unprotected_errors");
        }
        assertEquals(0, renewed.exit(), renewed.output());
        X509Certificate certificate = RelyingParty.certificate(pemBody(Files.readString(dir.resolve("renewed.pem"))));
        assertEquals("Alice Andersson", relyingParty.verify(certificate, clock.instant()).name());
        assertEquals(certificate.getSerialNumber(), standing(certificate).serial(), "openssl confirmed it");
        assertRefused(CertificateException.REVOKED, () -> standing(current.certificate()));
        Command verified = Command.run(dir, "openssl", "verify", "-CAfile", "root.pem", "renewed.pem");
        assertTrue(verified.output().contains("renewed.pem: OK"), verified.output());
    }

    @Test
    void aRenewalSignedByARevokedOrAnotherCasCertificateOrWithAlteredBytesIssuesNothing() throws Exception {
        Held current = enrolled();
        CmpEnrolment renewal = CmpEnrolment.renewal(current.certificate(), current.key().getPrivate(), ca.root(), CertificateProfile.newKeyPair());
        byte[] kur = renewal.request();
        byte[] altered = kur.clone();
        altered[TestBytes.indexOf(altered, "Alice Andersson".getBytes())] ^= 0x03; // the header's sender, under the signature: "Blice
        assertRefused(EnrolmentException.BAD_PROTECTION, () -> renewal.certificate(cmp(altered)));

        try (RestartableParty other = RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank-2",
                "escudo.issuer.port", "0"))).database(RestartableParty.durableDatabase(dir.resolve("other"))).secrets(Secrets.ephemeral(SigningKey.generate()))
                .clock(clock).start())) {
            other.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("1.00 EUR")), BankApi.Balance.class);
            CertificationAuthority otherCa = other.node().service(CertificationAuthority.class);
            X509Certificate foreign = otherCa.issue("alice", PHONE, current.key().getPublic());
            CmpEnrolment elsewhere = CmpEnrolment.renewal(foreign, current.key().getPrivate(), ca.root(), CertificateProfile.newKeyPair());
            assertRefused(CertificateException.UNTRUSTED, () -> elsewhere.certificate(cmp(elsewhere.request())));
        }

        bank.desk().post("/issuer/ca/certificates/" + current.certificate().getSerialNumber().toString(16) + "/revocation",
                new CaApi.Revoke(RevocationReason.KEY_COMPROMISE), CaApi.CertificateView.class);
        assertRefused(CertificateException.REVOKED, () -> renewal.certificate(cmp(kur)));
        assertEquals(1, ca.certificatesOf("alice").size(), "no refusal issued anything");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private CaApi.Reference desk(String phone) {
        return bank.desk().post("/issuer/ca/enrolments", new CaApi.Enrol("alice", phone), CaApi.Reference.class);
    }

    /** An ir for {@code requested}'s public key whose proof of possession is signed by {@code signer}: a request for a key one does not hold. */
    private static byte[] irWithProofBy(CaApi.Reference reference, KeyPair requested, KeyPair signer) throws Exception {
        CertificateReqMessagesBuilder requests = new CertificateReqMessagesBuilder();
        requests.addRequest(new JcaCertificateRequestMessageBuilder(BigInteger.ZERO).setSubject(new javax.security.auth.x500.X500Principal("CN=x"))
                .setPublicKey(requested.getPublic())
                .setProofOfPossessionSigningKeySigner(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).build());
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        return new ProtectedPKIMessageBuilder(new GeneralName(new X500Name("CN=phone")), PKIHeader.NULL_NAME)
                .setSenderKID(reference.reference().getBytes()).setTransactionID(nonce).setSenderNonce(nonce)
                .setBody(PKIBody.TYPE_INIT_REQ, requests.build())
                .build(new PKMACBuilder(new JcePKMACValuesCalculator()).setIterationCount(1_000).build(reference.secret().toCharArray()))
                .toASN1Structure().getEncoded();
    }

    private RelyingParty.OcspStanding standing(X509Certificate certificate) throws Exception {
        RelyingParty.OcspQuery query = relyingParty.query(certificate);
        return relyingParty.status(query, ca.responder().respond(query.request()), clock.instant());
    }

    private byte[] cmp(byte[] message) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(bank.uri().resolve("/issuer/ca/cmp"))
                .header("Content-Type", CmpEnrolment.MEDIA_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(CmpEnrolment.MEDIA_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }

    private static byte[] pemBody(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
