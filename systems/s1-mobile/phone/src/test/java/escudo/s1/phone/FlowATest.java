package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.cardos.CardOsException;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.PhoneProof;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.protocol.Transaction;
import escudo.s1.server.approval.Approvals;
import escudo.testing.Command;
import escudo.testing.TestClock;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Seed 001, Flow A (Fig. 3, S150-S270) over real HTTP: the online-banking page starts a transfer
 * for the phone, follows it and may cancel it; the phone fetches it by proving it holds its key,
 * shows it and signs it (CMS) with the PIN; the bank verifies and moves the money once. Every bad
 * path changes nothing.
 */
class FlowATest {

    private static final String PIN = "2468";
    private static final String ALICE_PHONE = "+46701234567";
    private static final String BOB_PHONE = "+46707654321";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private PartyClient page;
    private ServiceLink network;
    private Phone alicePhone;
    private BigInteger alice;

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, false);
        page = new PartyClient(bank.uri());
        network = new ServiceLink(bank.uri());
        alicePhone = Phone.create(dir.resolve("alice-phone"), PIN, clock);
        alice = enrol(alicePhone, "alice", ALICE_PHONE);
    }

    @AfterEach
    void stop() {
        network.close();
        page.close();
        bank.close();
    }

    @Test
    void aTransferStartedOnThePcIsShownOnThePhoneSignedWithThePinAndCarriedOutOnce() throws Exception {
        ApprovalApi.Started started = transfer("25.00 EUR");
        assertEquals(ApprovalStatus.WAITING, collect(started).status());
        assertEquals("waiting for the phone", collect(started).hint());

        List<ApprovalRequest> pending = alicePhone.pending(network, alice);
        assertEquals(1, pending.size());
        ApprovalRequest request = pending.getFirst();
        assertEquals(started.approvalId(), request.approvalId());
        assertEquals(new Transaction.Transfer("bob", "Bob Berg", Money.parse("25.00 EUR"), "rent"), request.transaction());
        assertTrue(request.display().containsAll(List.of("Transfer 25.00 EUR", "to Bob Berg (bob)", "message: rent")), request.display().toString());
        assertEquals(ApprovalStatus.DELIVERED, collect(started).status());

        assertRefused(CardOsException.WRONG_PIN, () -> alicePhone.approve(network, alice, request, "1111"));
        assertEquals(ApprovalStatus.DELIVERED, collect(started).status());
        byte[] signed = alicePhone.sign(alice, request, PIN);
        assertEquals(ApprovalStatus.DONE, network.approve(request.approvalId(), signed).status());
        assertEquals(ApprovalStatus.DONE, collect(started).status());
        assertBalances("75.00 EUR", "35.00 EUR");

        assertRefused(ApprovalException.DONE, () -> network.approve(request.approvalId(), signed));
        assertBalances("75.00 EUR", "35.00 EUR");
        assertTrue(alicePhone.pending(network, alice).isEmpty());

        // openssl, an implementation not ours, verifies the CMS signature and finds the very content
        Files.write(dir.resolve("approval.der"), signed);
        Files.writeString(dir.resolve("root.pem"), pem(alicePhone.credentials().getFirst().root().getEncoded()));
        Command verified = Command.run(dir, "openssl", "cms", "-verify", "-inform", "DER", "-in", "approval.der", "-CAfile", "root.pem",
                "-purpose", "any", "-out", "content.bin");
        assertTrue(verified.output().contains("Verification successful"), verified.output());
        assertEquals(Bytes.of(request.encode()), Bytes.of(Files.readAllBytes(dir.resolve("content.bin"))));
    }

    @Test
    void aSignatureOverAnotherAmountOrForAnotherApprovalIsRefusedAndMovesNothing() {
        ApprovalApi.Started first = transfer("25.00 EUR");
        ApprovalApi.Started second = transfer("1.00 EUR");
        List<ApprovalRequest> pending = alicePhone.pending(network, alice);
        ApprovalRequest request = pending.getFirst();
        ApprovalRequest altered = new ApprovalRequest(request.approvalId(), request.service(), request.user(),
                new Transaction.Transfer("bob", "Bob Berg", Money.parse("2.50 EUR"), "rent"), request.createdAt(), request.expiresAt());
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> network.approve(first.approvalId(), alicePhone.sign(alice, altered, PIN)));
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> network.approve(second.approvalId(), alicePhone.sign(alice, request, PIN)));
        byte[] tampered = alicePhone.sign(alice, request, PIN);
        tampered[tampered.length - 20] ^= 0x01;
        assertRefused(ApprovalException.BAD_SIGNATURE, () -> network.approve(first.approvalId(), tampered));
        assertRefused(ApprovalException.BAD_SIGNATURE, () -> network.approve(first.approvalId(), new byte[] {0x30, 0x00}));
        assertBalances("100.00 EUR", "10.00 EUR");
        assertEquals(ApprovalStatus.DELIVERED, collect(first).status());
    }

    @Test
    void cancelledExpiredAndDeclinedApprovalsCannotBeSignedAndExactlyOneOutcomeWinsARace() throws Exception {
        ApprovalApi.Started cancelled = transfer("5.00 EUR");
        ApprovalRequest request = alicePhone.pending(network, alice).getFirst();
        assertRefused(ApprovalException.WRONG_TOKEN, () -> page.post("/issuer/s1/approvals/" + cancelled.approvalId() + "/cancel",
                new ApprovalApi.Collect("not-the-token"), ApprovalApi.Status.class));
        assertEquals(ApprovalStatus.CANCELLED, page.post("/issuer/s1/approvals/" + cancelled.approvalId() + "/cancel",
                new ApprovalApi.Collect(cancelled.collectToken()), ApprovalApi.Status.class).status());
        assertRefused(ApprovalException.CANCELLED, () -> alicePhone.approve(network, alice, request, PIN));

        ApprovalApi.Started declined = transfer("6.00 EUR");
        ApprovalRequest toDecline = alicePhone.pending(network, alice).getFirst();
        assertEquals(ApprovalStatus.DECLINED, alicePhone.decline(network, alice, toDecline).status());
        assertRefused(ApprovalException.DECLINED, () -> alicePhone.approve(network, alice, toDecline, PIN));
        assertEquals("declined on the phone", collect(declined).hint());

        ApprovalApi.Started expired = transfer("7.00 EUR");
        ApprovalRequest late = alicePhone.pending(network, alice).getFirst();
        clock.advance(Approvals.DEFAULT_LIFETIME);
        assertRefused(ApprovalException.EXPIRED, () -> alicePhone.approve(network, alice, late, PIN));
        assertEquals(ApprovalStatus.EXPIRED, collect(expired).status());
        assertBalances("100.00 EUR", "10.00 EUR");

        int done = 0;
        for (int i = 0; i < 10; i++) {
            ApprovalApi.Started raced = transfer("1.00 EUR");
            ApprovalRequest toSign = alicePhone.pending(network, alice).getFirst();
            byte[] signed = alicePhone.sign(alice, toSign, PIN);
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<Boolean> signing = CompletableFuture.supplyAsync(() -> succeeds(both, () -> network.approve(raced.approvalId(), signed)));
            CompletableFuture<Boolean> cancelling = CompletableFuture.supplyAsync(() -> succeeds(both, () -> page.post(
                    "/issuer/s1/approvals/" + raced.approvalId() + "/cancel", new ApprovalApi.Collect(raced.collectToken()), ApprovalApi.Status.class)));
            assertTrue(signing.get() ^ cancelling.get(), "exactly one of sign and cancel wins");
            ApprovalStatus outcome = collect(raced).status();
            assertEquals(signing.get() ? ApprovalStatus.DONE : ApprovalStatus.CANCELLED, outcome);
            done += signing.get() ? 1 : 0;
        }
        assertBalances(Money.parse("100.00 EUR").minus(Money.of(100L * done, "EUR")).toString(),
                Money.parse("10.00 EUR").plus(Money.of(100L * done, "EUR")).toString());
    }

    @Test
    void anotherPhoneAStaleProofAndARevokedCertificateReadAndMoveNothing() throws Exception {
        transfer("9.00 EUR");
        Phone bobPhone = Phone.create(dir.resolve("bob-phone"), "1357", clock);
        BigInteger bob = enrol(bobPhone, "bob", BOB_PHONE);
        assertTrue(bobPhone.pending(network, bob).isEmpty(), "Bob's phone sees nothing of Alice's");
        ApprovalRequest request = alicePhone.pending(network, alice).getFirst();
        assertRefused(ApprovalException.WRONG_USER, () -> network.approve(request.approvalId(), bobPhone.sign(bob, request, "1357")));
        assertRefused(ApprovalException.WRONG_USER, () -> bobPhone.decline(network, bob, request));

        PhoneProof old = alicePhone.proof(alice, PhoneProof.PENDING);
        clock.advance(PhoneProof.FRESHNESS.plusSeconds(1));
        assertRefused(ApprovalException.BAD_PROOF, () -> network.pending(old));
        PhoneProof forAnother = alicePhone.proof(alice, PhoneProof.decline("apv-other"));
        assertRefused(ApprovalException.BAD_PROOF, () -> network.pending(forAnother));

        bank.desk().post("/issuer/ca/certificates/" + alice.toString(16) + "/revocation", new CaApi.Revoke(RevocationReason.KEY_COMPROMISE),
                CaApi.CertificateView.class);
        assertRefused(CertificateException.REVOKED, () -> alicePhone.approve(network, alice, request, PIN));
        assertRefused(CertificateException.REVOKED, () -> alicePhone.pending(network, alice));
        assertRefused(ApprovalException.NO_CERTIFICATE, () -> transfer("1.00 EUR"));
        assertBalances("100.00 EUR", "10.00 EUR");
        assertRefused(ApprovalException.NO_CERTIFICATE, () -> page.post("/issuer/s1/approvals/transfers",
                new ApprovalApi.StartTransfer("bob", ALICE_PHONE, "alice", Money.parse("1.00 EUR"), "x"), ApprovalApi.Started.class));
    }

    private static boolean succeeds(CyclicBarrier both, Runnable action) {
        try {
            both.await();
            action.run();
            return true;
        } catch (escudo.core.EscudoException refused) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private BigInteger enrol(Phone phone, String customer, String number) {
        return S1Bank.enrol(bank, phone, customer, number, customer.equals("alice") ? PIN : "1357");
    }

    private ApprovalApi.Started transfer(String amount) {
        return page.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", ALICE_PHONE, "bob", Money.parse(amount), "rent"),
                ApprovalApi.Started.class);
    }

    private ApprovalApi.Status collect(ApprovalApi.Started started) {
        return page.post("/issuer/s1/approvals/" + started.approvalId() + "/collect", new ApprovalApi.Collect(started.collectToken()),
                ApprovalApi.Status.class);
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
