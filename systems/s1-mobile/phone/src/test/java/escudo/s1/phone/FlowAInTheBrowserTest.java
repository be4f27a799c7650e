package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.node.testing.RestartableParty;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.server.approval.Approvals;
import escudo.testing.TestClock;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, Flow A with the PC as a real browser ({@link Chromium}) on the page the bank's node
 * serves, the phone in this test. Each page state is saved as a screenshot.
 */
class FlowAInTheBrowserTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private ServiceLink network;
    private Phone phone;
    private BigInteger certificate;
    private Chromium pc;

    @BeforeEach
    void start() throws IOException {
        Chromium.assumeInstalled();
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, false);
        network = new ServiceLink(bank.uri());
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), clock, "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
        pc = Chromium.start(bank.uri());
    }

    @AfterEach
    void stop() {
        escudo.node.testing.Resources.closeAll(pc, network, bank);
    }

    @Test
    void theUserTransfersOnThePageAndApprovesOnThePhoneAndThePageFollowsEveryStep() throws Exception {
        pc.open();
        screenshot("1-form");
        fill("25.00", "rent");
        awaitStatus("WAITING");
        assertEquals("waiting for the phone", pc.text("hint"));
        screenshot("2-waiting-for-the-phone");

        ApprovalRequest request = phone.pending(network, certificate).getFirst();
        awaitStatus("DELIVERED");
        screenshot("3-the-phone-has-it");
        phone.approve(network, certificate, request, PIN);
        awaitStatus("DONE");
        assertEquals("signed and done", pc.text("hint"));
        screenshot("4-signed-and-done");
        assertEquals(Money.parse("75.00 EUR"), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse("35.00 EUR"), bank.desk().get("/issuer/customers/bob", BankApi.Balance.class).balance());
    }

    @Test
    void thePageCancelsAndThePhonesSignatureComesTooLateAndDeclineAndExpiryShowToo() throws Exception {
        pc.open();
        fill("5.00", "cancelled");
        awaitStatus("WAITING");
        ApprovalRequest cancelled = phone.pending(network, certificate).getFirst();
        awaitStatus("DELIVERED");
        pc.click("cancel");
        awaitStatus("CANCELLED");
        screenshot("5-cancelled-on-the-pc");
        assertRefused(ApprovalException.CANCELLED, () -> phone.approve(network, certificate, cancelled, PIN));

        pc.click("again");
        fill("6.00", "declined");
        awaitStatus("WAITING");
        phone.decline(network, certificate, phone.pending(network, certificate).getFirst());
        awaitStatus("DECLINED");
        screenshot("6-declined-on-the-phone");

        pc.click("again");
        fill("7.00", "too late");
        awaitStatus("WAITING");
        clock.advance(Approvals.DEFAULT_LIFETIME);
        awaitStatus("EXPIRED");
        screenshot("7-expired");
        assertEquals(Money.parse("100.00 EUR"), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
    }

    @Test
    void aPhoneNumberWithoutACertificateIsRefusedOnThePageAndThePageIsServedWithAStrictPolicy() throws Exception {
        pc.open();
        pc.transfer("alice", "+46700000000", "bob", "1.00", "x", "start");
        pc.awaitShown("error");
        assertTrue(pc.text("error").contains("s1.no-certificate"), pc.text("error"));
        screenshot("8-no-certificate-on-that-phone");

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(pc.pageUri()).build(), HttpResponse.BodyHandlers.ofString());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    private void fill(String amount, String message) {
        pc.transfer("alice", PHONE, "bob", amount, message, "start");
    }

    private void awaitStatus(String status) {
        pc.awaitText("status", status);
    }

    private void screenshot(String name) throws IOException {
        pc.screenshot("flow-a-" + name);
    }
}
