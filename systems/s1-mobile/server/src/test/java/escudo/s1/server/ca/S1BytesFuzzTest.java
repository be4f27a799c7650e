package escudo.s1.server.ca;

import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.bank.Bank;
import escudo.core.Money;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.QrCode;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.SignedApproval;
import escudo.s1.protocol.Transaction;
import escudo.s1.protocol.UserIdentity;
import escudo.storage.Database;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.cmp.PKIMessage;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): what S1 reads from bytes a stranger sends. The CA's CMP endpoint
 * and OCSP responder answer anything with a well-formed CMP or OCSP message (never an exception);
 * an approval's canonical bytes decode only to what re-encodes to them; a CMS approval verifies only
 * with the very content the phone signed.
 */
class S1BytesFuzzTest {

    private static final byte[] MASTER = new byte[32];
    private static final Clock CLOCK = Clock.systemUTC();
    private static final CertificationAuthority CA = ca();
    private static final CmpServer CMP = new CmpServer(CA, new Enrolments(bank(), SecretBox.derive(MASTER, null, "fuzz"), CLOCK));
    private static final KeyPair PHONE_KEY = CertificateProfile.newKeyPair();
    private static final X509Certificate CERTIFICATE = CA.issue("alice", "+46701234567", PHONE_KEY.getPublic());
    private static final ApprovalRequest REQUEST = new ApprovalRequest("apv-1", "bank-1", new UserIdentity("Alice", "alice", "+46701234567"),
            new Transaction.Transfer("bob", "Bob", Money.parse("25.00 EUR"), "rent"), Instant.parse("2030-01-01T00:00:00Z"),
            Instant.parse("2030-01-01T00:03:00Z"));
    private static final byte[] SIGNED = SignedApproval.sign(REQUEST, CERTIFICATE, PHONE_KEY.getPrivate());
    private static Bank bank;

    private static final QrFrame FRAME = new QrFrame(REQUEST, 17, new byte[32]);

    static Stream<byte[]> cmpMessages() {
        return Stream.of(CmpEnrolment.start("123456789012", "SECRET".toCharArray(), PHONE_KEY).request(),
                CmpEnrolment.renewal(CERTIFICATE, PHONE_KEY.getPrivate(), CA.root(), CertificateProfile.newKeyPair()).request());
    }

    static Stream<String> frames() {
        return Stream.of(FRAME.text());
    }

    static Stream<byte[]> images() {
        return Stream.of(QrCode.png(FRAME.text()));
    }

    static Stream<byte[]> ocspRequests() {
        return Stream.of(RelyingParty.trusting(CA.root()).query(CERTIFICATE).request());
    }

    static Stream<byte[]> approvals() {
        return Stream.of(REQUEST.encode(), new ApprovalRequest("apv-2", "bank-1", REQUEST.user(),
                new Transaction.Purchase("kiosk-1", "Kiosk", Money.parse("2.00 EUR"), "a ticket"), REQUEST.createdAt(), REQUEST.expiresAt()).encode());
    }

    static Stream<byte[]> signedApprovals() {
        return Stream.of(SIGNED);
    }

    @MethodSource("cmpMessages")
    @FuzzTest(maxDuration = "5s")
    void theCmpEndpointAnswersAnyBytesWithACmpMessage(byte[] message) throws IOException {
        assertNotNull(PKIMessage.getInstance(CMP.handle(message)), () -> "no CMP answer to " + hex(message));
    }

    @MethodSource("ocspRequests")
    @FuzzTest(maxDuration = "5s")
    void theOcspResponderAnswersAnyBytesWithAnOcspResponse(byte[] request) throws IOException {
        new OCSPResp(CA.responder().respond(request)); // parses, whatever the status
    }

    @MethodSource("approvals")
    @FuzzTest(maxDuration = "5s")
    void decodesApprovalsThatReencodeToTheirBytes(byte[] encoded) {
        decodedOrRefused(() -> ApprovalRequest.decode(encoded)).ifPresent(request ->
                assertArrayEquals(encoded, request.encode(), () -> "a second encoding of an approval: " + hex(encoded)));
    }

    /** Any text the phone's camera reads is a frame that reads back to that very text, or {@code s1.qr-unreadable}. */
    @MethodSource("frames")
    @FuzzTest(maxDuration = "5s")
    void readsOnlyFramesThatWriteBackToTheirText(String text) {
        decodedOrRefused(() -> QrFrame.read(text)).ifPresent(frame ->
                assertEquals(text, frame.text(), () -> "a second text of a frame: " + text));
    }

    /** Any bytes the phone is handed as a picture give a code's text or {@code s1.qr-unreadable}, never another failure. */
    @MethodSource("images")
    @FuzzTest(maxDuration = "5s")
    void readsAnyImageOrRefusesIt(byte[] image) {
        decodedOrRefused(() -> QrCode.read(image));
    }

    @MethodSource("signedApprovals")
    @FuzzTest(maxDuration = "5s")
    void verifiesOnlyTheContentThePhoneSigned(byte[] cms) {
        decodedOrRefused(() -> SignedApproval.verify(cms, RelyingParty.trusting(CA.root()), CLOCK.instant())).ifPresent(verified ->
                assertArrayEquals(REQUEST.encode(), verified.content(), () -> "another content verified: " + hex(cms)));
    }

    @Test
    void everyByteOfTheSignedContentAndSignatureMatters() {
        SignedApproval.Verified verified = SignedApproval.verify(SIGNED, RelyingParty.trusting(CA.root()), CLOCK.instant());
        assertEquals(REQUEST, ApprovalRequest.decode(verified.content()));
        assertEveryByteFlipRefused(REQUEST.encode(), bytes -> ApprovalRequest.decode(bytes).equals(REQUEST));
        byte[] content = REQUEST.encode();
        int start = escudo.testing.TestBytes.indexOf(SIGNED, content);
        for (int i = start; i < start + content.length; i++) { // the content inside the CMS, byte by byte
            byte[] altered = SIGNED.clone();
            altered[i] ^= 0x01;
            assertEquals(List.of(), decodedOrRefused(() -> SignedApproval.verify(altered, RelyingParty.trusting(CA.root()), CLOCK.instant()))
                    .stream().toList(), "byte " + i + " of the content changed and still verified");
        }
    }

    /** What the fuzzer found (each was an exception out of BouncyCastle, a 500 over HTTP), now refused cleanly. */
    @Test
    void theFuzzersFindingsAreRefusedCleanly() throws IOException {
        PKIMessage cmp = PKIMessage.getInstance(CMP.handle(finding("cmp-pbm-parameters-not-a-sequence.der")));
        assertEquals(org.bouncycastle.asn1.cmp.PKIBody.TYPE_ERROR, cmp.getBody().getType());
        OCSPResp ocsp = new OCSPResp(CA.responder().respond(finding("ocsp-request-unknown-hash.der")));
        assertEquals(OCSPResp.SUCCESSFUL, ocsp.getStatus()); // answered "unknown": not a certificate id of this CA
        assertEquals(escudo.s1.protocol.ApprovalException.BAD_SIGNATURE, org.junit.jupiter.api.Assertions.assertThrows(
                escudo.core.EscudoException.class, () -> SignedApproval.verify(finding("cms-invalid-utf8-signer.der"),
                        RelyingParty.trusting(CA.root()), CLOCK.instant())).code());
    }

    private static byte[] finding(String name) throws IOException {
        try (var in = S1BytesFuzzTest.class.getResourceAsStream("findings/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Bank bank() {
        if (bank == null) {
            Database db = Database.open("jdbc:h2:mem:s1-fuzz-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
            bank = new Bank("bank-1", SigningKey.generate().verifyingKey(), db, CLOCK);
            bank.openCustomer("alice", "Alice", Money.parse("1.00 EUR"));
        }
        return bank;
    }

    private static CertificationAuthority ca() {
        new SecureRandom().nextBytes(MASTER);
        return CertificationAuthority.open(bank(), SecretBox.derive(MASTER, null, "ca"), CLOCK, URI.create("http://127.0.0.1:7410"), Duration.ofDays(30));
    }
}
