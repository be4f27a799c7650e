package escudo.s1.server.ca;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.Bank;
import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s1.api.CaApi;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.protocol.UserIdentity;
import escudo.testing.Command;
import escudo.testing.TestBytes;
import escudo.testing.TestClock;
import escudo.node.testing.Http10Relay;
import escudo.node.testing.RestartableParty;
import escudo.storage.Database;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, the certification authority server 600 on the bank's node: the user certificate and its
 * profile, revocation published by OCSP (RFC 6960) and CRL (RFC 5280) over HTTP, and what a relying
 * party refuses. openssl checks the chain, the OCSP answers and the CRL: an implementation not ours.
 */
class CertificationAuthorityTest {

    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS)); // as a database keeps it
    private final Secrets bankSecrets = Secrets.ephemeral(SigningKey.generate());
    private RestartableParty bank;
    private CertificationAuthority ca;
    private RelyingParty relyingParty;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        bank = RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank-1", "escudo.issuer.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("bank"))).secrets(bankSecrets).clock(clock).start());
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("100.00 EUR")),
                BankApi.Balance.class);
        ca = bank.node().service(CertificationAuthority.class);
        relyingParty = RelyingParty.trusting(RelyingParty.certificate(get("/issuer/ca/root", "application/pkix-cert")));
    }

    @AfterEach
    void stop() {
        http.close();
        bank.close();
    }

    @Test
    void aUserCertificateNamesTheCustomerAndKeepsTheProfileAndOpensslVerifiesItsChain() throws Exception {
        X509Certificate certificate = issued();
        assertEquals(new UserIdentity("Alice Andersson", "alice", PHONE), relyingParty.verify(certificate, clock.instant()));
        assertEquals(ca.root(), relyingParty.root(), "the published root is the CA's");

        pem("root.pem", relyingParty.root());
        pem("alice.pem", certificate);
        Command verified = Command.run(dir, "openssl", "verify", "-CAfile", "root.pem", "-policy", CertificateProfile.POLICY.getId(),
                "-explicit_policy", "-purpose", "smimesign", "alice.pem");
        assertEquals(0, verified.exit(), verified.output());
        assertTrue(verified.output().contains("alice.pem: OK"), verified.output());
        String text = Command.run(dir, "openssl", "x509", "-in", "alice.pem", "-noout", "-text").output();
        for (String expected : new String[] {"CN = Alice Andersson", "UID = alice", "telephoneNumber = \"" + PHONE + "\"", "CA:FALSE",
                "Digital Signature, Non Repudiation", "Policy: " + CertificateProfile.POLICY.getId(), "ASN1 OID: prime256v1",
                "OCSP - URI:" + ca.ocspUri(), "URI:" + ca.crlUri(), "ecdsa-with-SHA256"}) {
            assertTrue(text.contains(expected), expected + " missing in\n" + text);
        }
    }

    @Test
    void aRevokedCertificateIsRevokedInTheOcspAnswerAndTheCrlAsOpensslReadsThem() throws Exception {
        X509Certificate certificate = issued();
        pem("root.pem", relyingParty.root());
        pem("alice.pem", certificate);
        Command good = opensslOcsp();
        assertTrue(good.output().contains("Cert Status: good"), good.output());
        assertEquals(certificate.getSerialNumber(), status(certificate).serial());

        String serial = certificate.getSerialNumber().toString(16);
        CaApi.CertificateView revoked = bank.desk().post("/issuer/ca/certificates/" + serial + "/revocation",
                new CaApi.Revoke(RevocationReason.KEY_COMPROMISE), CaApi.CertificateView.class);
        assertEquals(RevocationReason.KEY_COMPROMISE, revoked.reason());
        assertEquals(clock.instant(), revoked.revokedAt());

        Command answer = opensslOcsp();
        assertTrue(answer.output().contains("Cert Status: revoked") && answer.output().contains("Revocation Reason: keyCompromise"),
                answer.output());
        assertRefused(CertificateException.REVOKED, () -> status(certificate));

        Files.write(dir.resolve("crl.der"), get("/issuer/ca/crl", "application/pkix-crl"));
        Command crl = Command.run(dir, "openssl", "crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "root.pem", "-noout", "-text");
        assertTrue(crl.output().contains("verify OK"), crl.output());
        assertTrue(crl.output().toUpperCase().contains("SERIAL NUMBER: " + serial.toUpperCase()), crl.output());
        assertTrue(crl.output().contains("Key Compromise"), crl.output());
        pem("crl.pem", dir.resolve("crl.der"));
        Command checked = Command.run(dir, "openssl", "verify", "-crl_check", "-CAfile", "root.pem", "-CRLfile", "crl.pem", "alice.pem");
        assertNotEquals(0, checked.exit(), checked.output());
        assertTrue(checked.output().contains("certificate revoked"), checked.output());

        assertRefused(CertificateException.ALREADY_REVOKED, () -> bank.desk().post("/issuer/ca/certificates/" + serial + "/revocation",
                new CaApi.Revoke(RevocationReason.SUPERSEDED), CaApi.CertificateView.class));
    }

    @Test
    void aCertificateOfAnotherCaExpiredOrAlteredIsRefused() throws Exception {
        X509Certificate certificate = issued();
        try (PartyNode otherBank = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bank-2", "escudo.issuer.port", "0")))
                .database(Database.open("jdbc:h2:mem:other-" + System.nanoTime(), "sa", "")).secrets(Secrets.ephemeral(SigningKey.generate())).start();
             PartyClient otherDesk = new PartyClient(otherBank.uri(), otherBank.operatorToken())) {
            otherDesk.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("1.00 EUR")), BankApi.Balance.class);
            X509Certificate foreign = otherBank.service(CertificationAuthority.class).issue("alice", PHONE, CertificateProfile.newKeyPair().getPublic());
            assertRefused(CertificateException.UNTRUSTED, () -> relyingParty.verify(foreign, clock.instant()));
            pem("root.pem", relyingParty.root());
            pem("foreign.pem", foreign);
            assertNotEquals(0, Command.run(dir, "openssl", "verify", "-CAfile", "root.pem", "foreign.pem").exit());
            RelyingParty.OcspQuery query = relyingParty.query(certificate);
            byte[] foreignAnswer = otherBank.service(CertificationAuthority.class).responder().respond(query.request());
            assertRefused(CertificateException.STATUS_UNKNOWN, () -> relyingParty.status(query, foreignAnswer, clock.instant()));
            RelyingParty.OcspQuery neverIssued = relyingParty.query(foreign); // a serial number this CA never issued
            assertRefused(CertificateException.STATUS_UNKNOWN, () -> relyingParty.status(neverIssued, post(neverIssued.request()), clock.instant()));
        }

        byte[] altered = certificate.getEncoded();
        altered[altered.length - 10] ^= 0x01; // in the CA's signature
        assertRefused(CertificateException.UNTRUSTED, () -> relyingParty.verify(RelyingParty.certificate(altered), clock.instant()));
        assertRefused(CertificateException.MALFORMED, () -> RelyingParty.certificate(java.util.Arrays.copyOf(altered, 40)));
        assertRefused(CertificateException.EXPIRED, () -> relyingParty.verify(certificate, clock.instant().plus(Duration.ofDays(366))));
        assertRefused(CertificateException.EXPIRED, () -> relyingParty.verify(certificate, clock.instant().minus(Duration.ofMinutes(6))));
        assertRefused(CertificateException.WRONG_PROFILE, () -> CertificateProfile.user(ca.root()));
    }

    @Test
    void anOcspAnswerThatIsStaleForAnotherNonceOrAnUnknownCertificateEstablishesNothing() throws Exception {
        X509Certificate certificate = issued();
        RelyingParty.OcspQuery query = relyingParty.query(certificate);
        byte[] answer = post(query.request());
        assertEquals(certificate.getSerialNumber(), relyingParty.status(query, answer, clock.instant()).serial());
        RelyingParty.OcspQuery later = relyingParty.query(certificate);
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> relyingParty.status(later, answer, clock.instant()));
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> relyingParty.status(query, answer,
                clock.instant().plus(OcspResponder.ANSWER_VALIDITY).plusSeconds(1)));
        byte[] tampered = answer.clone();
        tampered[TestBytes.indexOf(tampered, query.nonce()) + 3] ^= 0x01; // the echoed nonce, inside what the CA signed
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> relyingParty.status(query, tampered, clock.instant()));

        assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(post(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).getStatus());
        HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(bank.uri().resolve("/issuer/ca/ocsp"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, wrongType.statusCode());
        assertTrue(wrongType.body().contains("request.unsupported-media-type"), wrongType.body());
    }

    @Test
    void theCaIssuesOnlyToCustomersOnlyP256KeysAndOnlyE164PhoneNumbers() throws Exception {
        assertRefused(escudo.bank.BankException.UNKNOWN_CUSTOMER, () -> ca.issue("mallory", PHONE, CertificateProfile.newKeyPair().getPublic()));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        assertRefused(CertificateException.WRONG_PROFILE, () -> ca.issue("alice", PHONE, rsa.generateKeyPair().getPublic()));
        for (String phone : new String[] {"0701234567", "+0701234567", "+46 70 123", "+4670123456789012"}) {
            assertRefused(CertificateException.MALFORMED, () -> ca.issue("alice", phone, CertificateProfile.newKeyPair().getPublic()));
        }
        assertEquals(0, ca.certificatesOf("alice").size(), "nothing issued by a refusal");
    }

    @Test
    void theDeskAloneRevokesAndListsAndTheRootOutlivesARestart() throws Exception {
        X509Certificate certificate = issued();
        String serial = certificate.getSerialNumber().toString(16);
        try (PartyClient anyone = new PartyClient(bank.uri())) {
            assertRefused(escudo.node.http.Desk.OPERATOR_ONLY, () -> anyone.post("/issuer/ca/certificates/" + serial + "/revocation",
                    new CaApi.Revoke(RevocationReason.KEY_COMPROMISE), CaApi.CertificateView.class));
            assertRefused(escudo.node.http.Desk.OPERATOR_ONLY, () -> anyone.get("/issuer/customers/alice/certificates", CaApi.Certificates.class));
        }
        assertRefused(CertificateException.MALFORMED, () -> bank.desk().get("/issuer/ca/certificates/XYZ", CaApi.CertificateView.class));
        assertRefused(CertificateException.NOT_FOUND, () -> bank.desk().get("/issuer/ca/certificates/abc", CaApi.CertificateView.class));
        CaApi.Certificates listed = bank.desk().get("/issuer/customers/alice/certificates", CaApi.Certificates.class);
        assertEquals(1, listed.certificates().size());
        assertEquals(serial, listed.certificates().getFirst().serial());
        assertEquals(null, listed.certificates().getFirst().revokedAt());

        X509Certificate root = ca.root();
        bank.restart();
        CertificationAuthority again = bank.node().service(CertificationAuthority.class);
        assertEquals(root, again.root(), "the root key and certificate are kept");
        assertEquals(serial, again.entry(new BigInteger(serial, 16)).orElseThrow().serial().toString(16));
    }

    /** openssl's own OCSP client asks about alice.pem, through the HTTP/1.0 front it needs (docs/s1-mobile.md). */
    private Command opensslOcsp() {
        try (Http10Relay front = Http10Relay.to(bank.uri())) {
            Command checked = Command.run(dir, "openssl", "ocsp", "-issuer", "root.pem", "-cert", "alice.pem",
                    "-url", "http://" + front.authority() + "/issuer/ca/ocsp", "-CAfile", "root.pem", "-resp_text");
            assertTrue(checked.output().contains("Response verify OK"), checked.output()); // signed by the root, and openssl's nonce
            return checked;
        }
    }

    /** A certificate for a fresh key of Alice's, confirmed as a phone's certConf confirms it. */
    private X509Certificate issued() throws GeneralSecurityException {
        X509Certificate certificate = ca.issue("alice", PHONE, CertificateProfile.newKeyPair().getPublic());
        bank.node().service(Bank.class).db().run(tx -> ca.confirm(tx, certificate.getSerialNumber()));
        return certificate;
    }

    private RelyingParty.OcspStanding status(X509Certificate certificate) throws Exception {
        RelyingParty.OcspQuery query = relyingParty.query(certificate);
        return relyingParty.status(query, post(query.request()), clock.instant());
    }

    private byte[] get(String path, String type) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(bank.uri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(type, response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }

    private byte[] post(byte[] ocspRequest) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(bank.uri().resolve("/issuer/ca/ocsp"))
                .header("Content-Type", "application/ocsp-request").POST(HttpRequest.BodyPublishers.ofByteArray(ocspRequest)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("application/ocsp-response", response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }

    private void pem(String file, X509Certificate certificate) throws Exception {
        Files.writeString(dir.resolve(file), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }

    private void pem(String file, Path crlDer) throws IOException {
        Files.writeString(dir.resolve(file), "-----BEGIN X509 CRL-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(Files.readAllBytes(crlDer)) + "\n-----END X509 CRL-----\n");
    }
}
