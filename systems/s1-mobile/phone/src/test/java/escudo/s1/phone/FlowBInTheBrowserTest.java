package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.Transaction;
import escudo.s1.server.approval.Approvals;
import escudo.s1.server.approval.Handoffs;
import escudo.http.PartyClient;
import escudo.testing.TestClock;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, Flow B (Figs. 4-5) with the PC as a real browser ({@link Chromium}): the page shows the
 * transfer as an animated QR code, the phone reads it off the pixels the browser drew, signs it, and
 * hands the signature back as a file the user picks on the page, which forwards it. Each page state
 * is saved as a screenshot.
 */
class FlowBInTheBrowserTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private Phone phone;
    private BigInteger certificate;
    private Chromium pc;

    @BeforeEach
    void start() throws IOException {
        Chromium.assumeInstalled();
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, false);
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), clock, "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
        pc = Chromium.start(bank.uri());
    }

    @AfterEach
    void stop() {
        escudo.node.testing.Resources.closeAll(pc, bank);
    }

    @Test
    void thePhoneReadsTheAnimatedCodeOffTheScreenAndThePageForwardsWhatItSigned() throws Exception {
        pc.open();
        pc.transfer("alice", PHONE, "bob", "25.00", "rent", "start-qr");
        byte[] first = pc.awaitPicture("qr", null);
        QrFrame scanned = Phone.scan(first);
        assertEquals(new Transaction.Transfer("bob", "Bob Berg", Money.parse("25.00 EUR"), "rent"), scanned.request().transaction());
        screenshot("1-scan-the-code");

        clock.advance(Duration.ofSeconds(1));
        QrFrame next = Phone.scan(pc.awaitPicture("qr", first));
        assertEquals(scanned.seconds() + 1, next.seconds(), "the page shows a new frame each second");
        assertNotEquals(scanned.text(), next.text());

        pc.choose("signed", signedFile(next));
        pc.awaitText("handoff-status", "DONE");
        assertEquals("signed and done", pc.text("handoff-hint"));
        assertFalse(pc.shown("qr"), "once done the page shows no code to scan");
        screenshot("2-signed-and-done");
        assertBalances("75.00 EUR", "35.00 EUR");
    }

    @Test
    void aPhotographedCodeGoesStaleAndCancelAndExpiryEndTheHandoff() throws Exception {
        pc.open();
        pc.transfer("alice", PHONE, "bob", "5.00", "photographed", "start-qr");
        byte[] photograph = pc.awaitPicture("qr", null);
        clock.advance(Handoffs.DEFAULT_FRESHNESS.plusSeconds(1));
        pc.choose("signed", signedFile(Phone.scan(photograph)));
        pc.awaitShown("error");
        assertTrue(pc.text("error").contains("s1.qr-stale"), pc.text("error"));
        screenshot("3-a-photographed-code-is-stale");
        pc.choose("signed", signedFile(Phone.scan(pc.awaitPicture("qr", photograph)))); // scanned again, off the screen
        pc.awaitText("handoff-status", "DONE");
        assertBalances("95.00 EUR", "15.00 EUR");

        pc.click("handoff-again");
        pc.transfer("alice", PHONE, "bob", "6.00", "cancelled", "start-qr");
        QrFrame cancelled = Phone.scan(pc.awaitPicture("qr", null));
        pc.click("handoff-cancel");
        pc.awaitText("handoff-status", "CANCELLED");
        screenshot("4-cancelled-on-the-pc");
        try (PartyClient forwarder = new PartyClient(bank.uri())) {
            byte[] late = phone.sign(certificate, cancelled, PIN);
            assertRefused(ApprovalException.CANCELLED, () -> forwarder.post("/issuer/s1/handoffs/signature",
                    new ApprovalApi.Signature(Bytes.of(late)), ApprovalApi.Status.class));
        }

        pc.click("handoff-again");
        pc.transfer("alice", PHONE, "bob", "7.00", "too late", "start-qr");
        pc.awaitPicture("qr", null);
        clock.advance(Approvals.DEFAULT_LIFETIME);
        pc.awaitText("handoff-status", "EXPIRED");
        screenshot("5-expired");
        assertBalances("95.00 EUR", "15.00 EUR");
    }

    /** The phone signs the frame with the PIN and hands it over: a file the user then picks on the PC. */
    private Path signedFile(QrFrame frame) throws IOException {
        Path file = Files.createTempFile(dir, "approval-", ".p7m");
        Files.write(file, phone.sign(certificate, frame, PIN));
        return file;
    }

    private void assertBalances(String alice, String bob) {
        assertEquals(Money.parse(alice), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse(bob), bank.desk().get("/issuer/customers/bob", BankApi.Balance.class).balance());
    }

    private void screenshot(String name) throws IOException {
        pc.screenshot("flow-b-" + name);
    }
}
