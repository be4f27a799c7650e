package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.cardos.CardOsException;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.QrCode;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.protocol.SignedApproval;
import escudo.s1.protocol.Transaction;
import escudo.s1.server.approval.Approvals;
import escudo.s1.server.approval.Handoffs;
import escudo.testing.Command;
import escudo.testing.TestClock;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, Flow B (Figs. 4-5, S300-S400) over real HTTP: the page starts a local hand-off and
 * shows its animated QR code (PNG frames from the bank); the phone reads the image, shows the
 * transaction, signs the frame with the PIN; the PC forwards the signature and the bank moves the
 * money once. A photographed code goes stale, a forged frame or ticket is refused, and every bad
 * path changes nothing.
 */
class FlowBTest {

    private static final String PIN = "2468";
    private static final String ALICE_PHONE = "+46701234567";
    private static final String BOB_PHONE = "+46707654321";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private PartyClient page;
    private Phone alicePhone;
    private BigInteger alice;

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, false);
        page = new PartyClient(bank.uri());
        S1Bank.Enrolled enrolled = S1Bank.phone(bank, dir.resolve("alice-phone"), clock, "alice", ALICE_PHONE, PIN);
        alicePhone = enrolled.phone();
        alice = enrolled.serial();
    }

    @AfterEach
    void stop() {
        page.close();
        bank.close();
    }

    @Test
    void aTransferHandedOverByQrCodeIsReadOffTheImageSignedWithThePinAndCarriedOutOnce() throws Exception {
        ApprovalApi.Handoff handoff = handoff("25.00 EUR");
        QrFrame frame = Phone.scan(frameImage(handoff));
        ApprovalRequest request = frame.request();
        assertEquals(handoff.approvalId(), request.approvalId());
        assertEquals(new Transaction.Transfer("bob", "Bob Berg", Money.parse("25.00 EUR"), "rent"), request.transaction());
        assertTrue(request.display().containsAll(List.of("Transfer 25.00 EUR", "to Bob Berg (bob)", "message: rent")), request.display().toString());

        assertRefused(CardOsException.WRONG_PIN, () -> alicePhone.sign(alice, frame, "1111"));
        byte[] signed = alicePhone.sign(alice, frame, PIN);
        ApprovalApi.Status done = handOver(signed);
        assertEquals(ApprovalStatus.DONE, done.status());
        assertEquals("signed and done", done.hint());
        assertBalances("75.00 EUR", "35.00 EUR");

        assertRefused(ApprovalException.DONE, () -> handOver(signed));
        assertRefused(ApprovalException.DONE, () -> frameImage(handoff));
        assertEquals(ApprovalStatus.DONE, cancel(handoff.ticket()).status(), "a cancel after the signature finds it done");
        assertBalances("75.00 EUR", "35.00 EUR");

        // openssl verifies the phone's CMS and gives back the very frame it read
        Files.write(dir.resolve("approval.der"), signed);
        Files.writeString(dir.resolve("root.pem"), pem(alicePhone.credentials().getFirst().root().getEncoded()));
        Command verified = Command.run(dir, "openssl", "cms", "-verify", "-inform", "DER", "-in", "approval.der", "-CAfile", "root.pem",
                "-purpose", "any", "-out", "content.bin");
        assertTrue(verified.output().contains("Verification successful"), verified.output());
        assertArrayEquals(frame.encode(), Files.readAllBytes(dir.resolve("content.bin")));
    }

    @Test
    void theCodeChangesEverySecondAndAPhotographedCodeGoesStale() throws Exception {
        ApprovalApi.Handoff handoff = handoff("5.00 EUR");
        QrFrame photographed = Phone.scan(frameImage(handoff));
        clock.advance(Duration.ofSeconds(1));
        QrFrame next = Phone.scan(frameImage(handoff));
        assertEquals(photographed.seconds() + 1, next.seconds());
        assertNotEquals(photographed.text(), next.text());
        assertEquals(Bytes.of(photographed.request().encode()), Bytes.of(next.request().encode()), "the same transaction, another frame");

        clock.advance(Handoffs.DEFAULT_FRESHNESS);
        byte[] late = alicePhone.sign(alice, photographed, PIN);
        assertRefused(ApprovalException.QR_STALE, () -> handOver(late));
        assertBalances("100.00 EUR", "10.00 EUR");
        assertEquals(ApprovalStatus.DONE, handOver(alicePhone.sign(alice, Phone.scan(frameImage(handoff)), PIN)).status(), "a fresh scan goes through");
        assertBalances("95.00 EUR", "15.00 EUR");
    }

    @Test
    void forgedFramesAlteredTicketsAndImagesThatHoldNoFrameAreRefused() throws Exception {
        ApprovalApi.Handoff handoff = handoff("25.00 EUR");
        QrFrame frame = Phone.scan(frameImage(handoff));
        ApprovalRequest request = frame.request();
        ApprovalRequest cheaper = new ApprovalRequest(request.approvalId(), request.service(), request.user(),
                new Transaction.Transfer("bob", "Bob Berg", Money.parse("2.50 EUR"), "rent"), request.createdAt(), request.expiresAt());
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> handOver(alicePhone.sign(alice, new QrFrame(cheaper, frame.seconds(), frame.code()), PIN)));
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> handOver(alicePhone.sign(alice, new QrFrame(request, frame.seconds() + 30, frame.code()), PIN)));
        byte[] tampered = alicePhone.sign(alice, frame, PIN);
        tampered[tampered.length - 20] ^= 0x01;
        assertRefused(ApprovalException.BAD_SIGNATURE, () -> handOver(tampered));
        assertRefused(ApprovalException.BAD_SIGNATURE, () -> handOver(alicePhone.sign(alice, request, PIN))); // Flow A's content is not a frame

        byte[] ticket = handoff.ticket().toByteArray();
        ticket[ticket.length - 1] ^= 0x01;
        assertRefused(ApprovalException.WRONG_TOKEN, () -> frameImage(Bytes.of(ticket)));
        assertRefused(ApprovalException.WRONG_TOKEN, () -> cancel(Bytes.of(ticket)));
        assertRefused(ApprovalException.WRONG_TOKEN, () -> frameImage(Bytes.of(new byte[] {1, 2, 3})));

        assertRefused(ApprovalException.QR_UNREADABLE, () -> Phone.scan("not an image".getBytes()));
        assertRefused(ApprovalException.QR_UNREADABLE, () -> Phone.scan(QrCode.png("https://example.com/pay?amount=1")));
        assertRefused(ApprovalException.QR_UNREADABLE, () -> Phone.scan(QrCode.png("escudo-s1:AAAA")));
        assertBalances("100.00 EUR", "10.00 EUR");
        assertEquals(ApprovalStatus.DONE, handOver(alicePhone.sign(alice, frame, PIN)).status(), "the genuine frame still goes through");
    }

    @Test
    void cancelAndExpiryEndAHandoffAndExactlyOneOfSignAndCancelWinsARace() throws Exception {
        ApprovalApi.Handoff cancelled = handoff("5.00 EUR");
        QrFrame frame = Phone.scan(frameImage(cancelled));
        assertEquals(ApprovalStatus.CANCELLED, cancel(cancelled.ticket()).status());
        assertEquals(ApprovalStatus.CANCELLED, cancel(cancelled.ticket()).status(), "cancelled twice is cancelled");
        assertRefused(ApprovalException.CANCELLED, () -> handOver(alicePhone.sign(alice, frame, PIN)));
        assertRefused(ApprovalException.CANCELLED, () -> frameImage(cancelled));

        ApprovalApi.Handoff expired = handoff("7.00 EUR");
        QrFrame late = Phone.scan(frameImage(expired));
        byte[] signedInTime = alicePhone.sign(alice, late, PIN);
        clock.advance(Approvals.DEFAULT_LIFETIME);
        assertRefused(ApprovalException.EXPIRED, () -> handOver(signedInTime));
        assertRefused(ApprovalException.EXPIRED, () -> frameImage(expired));
        assertRefused(ApprovalException.EXPIRED, () -> alicePhone.sign(alice, late, PIN)); // the phone's own clock says so too
        assertEquals(ApprovalStatus.EXPIRED, cancel(expired.ticket()).status());
        assertBalances("100.00 EUR", "10.00 EUR");

        int done = 0;
        for (int i = 0; i < 10; i++) {
            ApprovalApi.Handoff raced = handoff("1.00 EUR");
            byte[] signed = alicePhone.sign(alice, Phone.scan(frameImage(raced)), PIN);
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<ApprovalStatus> signing = CompletableFuture.supplyAsync(() -> outcome(both, () -> handOver(signed)));
            CompletableFuture<ApprovalStatus> cancelling = CompletableFuture.supplyAsync(() -> outcome(both, () -> cancel(raced.ticket())));
            boolean signedFirst = signing.get() == ApprovalStatus.DONE;
            assertEquals(signedFirst ? ApprovalStatus.DONE : ApprovalStatus.CANCELLED, cancelling.get(), "the cancel sees the one outcome");
            assertTrue(signedFirst || signing.get() == null, "a signature after the cancel is refused");
            done += signedFirst ? 1 : 0;
        }
        assertBalances(Money.parse("100.00 EUR").minus(Money.of(100L * done, "EUR")).toString(),
                Money.parse("10.00 EUR").plus(Money.of(100L * done, "EUR")).toString());
    }

    @Test
    void anotherUsersKeyARevokedCertificateAndAnotherBanksFrameMoveNothing() throws Exception {
        ApprovalApi.Handoff handoff = handoff("9.00 EUR");
        QrFrame frame = Phone.scan(frameImage(handoff));
        S1Bank.Enrolled bobs = S1Bank.phone(bank, dir.resolve("bob-phone"), clock, "bob", BOB_PHONE, "1357");
        Phone bobPhone = bobs.phone();
        BigInteger bob = bobs.serial();
        assertRefused(ApprovalException.WRONG_USER, () -> bobPhone.sign(bob, frame, "1357")); // Bob's phone will not sign Alice's code
        // a phone that would: Bob's own key and certificate, enrolled by hand, over Alice's frame
        CaApi.Reference reference = bank.desk().post("/issuer/ca/enrolments", new CaApi.Enrol("bob", BOB_PHONE), CaApi.Reference.class);
        KeyPair key = CertificateProfile.newKeyPair();
        CmpEnrolment enrolment = CmpEnrolment.start(reference.reference(), reference.secret().toCharArray(), key);
        CaLink ca = CaLink.http(bank.uri());
        var certificate = enrolment.certificate(ca.cmp(enrolment.request()));
        enrolment.confirmed(ca.cmp(enrolment.confirmation()));
        assertRefused(ApprovalException.WRONG_USER, () -> handOver(SignedApproval.sign(frame, certificate, key.getPrivate())));

        try (RestartableParty otherBank = S1Bank.start(dir.resolve("other"), clock)) {
            S1Bank.openCustomers(otherBank, false);
            S1Bank.phone(otherBank, dir.resolve("alice-second-phone"), clock, "alice", ALICE_PHONE, PIN);
            ApprovalApi.Handoff elsewhere;
            try (PartyClient otherPage = new PartyClient(otherBank.uri())) {
                elsewhere = otherPage.post("/issuer/s1/handoffs/transfers", new ApprovalApi.StartTransfer("alice", ALICE_PHONE, "bob",
                        Money.parse("9.00 EUR"), "rent"), ApprovalApi.Handoff.class);
            }
            QrFrame foreign = Phone.scan(frameImage(otherBank.uri(), elsewhere.ticket()));
            // a frame the other bank made, signed with this bank's certificate; nor does its ticket open anything here
            assertRefused(ApprovalException.CONTENT_MISMATCH, () -> handOver(alicePhone.sign(alice, foreign, PIN)));
            assertRefused(ApprovalException.WRONG_TOKEN, () -> frameImage(elsewhere.ticket()));
        }

        bank.desk().post("/issuer/ca/certificates/" + alice.toString(16) + "/revocation", new CaApi.Revoke(RevocationReason.KEY_COMPROMISE),
                CaApi.CertificateView.class);
        byte[] signedAfterRevocation = alicePhone.sign(alice, frame, PIN);
        assertRefused(CertificateException.REVOKED, () -> handOver(signedAfterRevocation));
        assertRefused(ApprovalException.NO_CERTIFICATE, () -> handoff("1.00 EUR"));
        assertBalances("100.00 EUR", "10.00 EUR");
    }

    @Test
    void aPurchaseAtOneOfTheBanksMerchantsIsPaidIntoItsDepositAccount() throws Exception {
        bank.desk().post("/issuer/merchants", new BankApi.OpenMerchant("shop-1", "Corner Books", "EUR", SigningKey.generate().verifyingKey()),
                BankApi.Balance.class);
        ApprovalApi.Handoff handoff = page.post("/issuer/s1/handoffs/purchases", new ApprovalApi.StartPurchase("alice", ALICE_PHONE, "shop-1",
                Money.parse("12.00 EUR"), "two paperbacks"), ApprovalApi.Handoff.class);
        QrFrame frame = Phone.scan(frameImage(handoff));
        assertTrue(frame.request().display().containsAll(List.of("Pay 12.00 EUR", "to Corner Books (shop-1)", "for two paperbacks")),
                frame.request().display().toString());
        assertEquals(ApprovalStatus.DONE, handOver(alicePhone.sign(alice, frame, PIN)).status());
        assertEquals(Money.parse("88.00 EUR"), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse("12.00 EUR"), bank.desk().get("/issuer/merchants/shop-1", BankApi.Balance.class).balance());
        assertRefused(ApprovalException.INVALID_TRANSACTION, () -> page.post("/issuer/s1/handoffs/purchases", new ApprovalApi.StartPurchase(
                "alice", ALICE_PHONE, "shop-1", Money.parse("12.00 SEK"), "in another currency"), ApprovalApi.Handoff.class));
    }

    private static ApprovalStatus outcome(CyclicBarrier both, java.util.function.Supplier<ApprovalApi.Status> action) {
        try {
            both.await();
            return action.get().status();
        } catch (escudo.core.EscudoException refused) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ApprovalApi.Handoff handoff(String amount) {
        return page.post("/issuer/s1/handoffs/transfers", new ApprovalApi.StartTransfer("alice", ALICE_PHONE, "bob", Money.parse(amount), "rent"),
                ApprovalApi.Handoff.class);
    }

    private byte[] frameImage(ApprovalApi.Handoff handoff) {
        return frameImage(handoff.ticket());
    }

    private byte[] frameImage(Bytes ticket) {
        return frameImage(bank.uri(), ticket);
    }

    /** What the page's script does each second: the current frame's PNG, or the bank's refusal as the page would read it. */
    private static byte[] frameImage(URI bankUri, Bytes ticket) {
        try (PartyClient script = new PartyClient(bankUri)) {
            return script.post("/issuer/s1/handoffs/frame", new ApprovalApi.Ticket(ticket), byte[].class);
        }
    }

    private ApprovalApi.Status handOver(byte[] signed) {
        return page.post("/issuer/s1/handoffs/signature", new ApprovalApi.Signature(Bytes.of(signed)), ApprovalApi.Status.class);
    }

    private ApprovalApi.Status cancel(Bytes ticket) {
        return page.post("/issuer/s1/handoffs/cancel", new ApprovalApi.Ticket(ticket), ApprovalApi.Status.class);
    }

    private void assertBalances(String alice, String bob) {
        assertEquals(Money.parse(alice), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse(bob), bank.desk().get("/issuer/customers/bob", BankApi.Balance.class).balance());
        assertTrue(bank.desk().get("/issuer/ledger", BankApi.LedgerView.class).totals().values().stream().allMatch(t -> t == 0));
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }
}
