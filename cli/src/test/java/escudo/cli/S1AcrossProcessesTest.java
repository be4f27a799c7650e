package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import escudo.bank.client.BankApi;
import escudo.cardos.CardOsException;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.KioskChallenge;
import escudo.testing.ChildJvm;
import escudo.testing.Command;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * S1 (seed 001, docs/s1-mobile.md) across separate OS processes, over real HTTP.
 *
 * <ul>
 *   <li><b>The bank and the merchant</b>: {@code escudo serve} in a child JVM (issuer, merchant and
 *       courier on the embedded default, an H2 file per party), for the whole test; the bank's CA,
 *       Flows A and B, and the merchant's kiosk are its S1 feature.</li>
 *   <li><b>The phone</b>: each {@code escudo phone ...} command a child JVM of its own, the phone's
 *       keys and certificates in its own directory ({@code --phones}), with no operator token: all
 *       it knows of the bank is its address.</li>
 *   <li><b>The bank's desk</b>: {@code escudo certificate reference} and {@code revoke} as child
 *       JVMs with the operator token that {@code serve} wrote into its data directory; opening the
 *       accounts and reading balances and certificates is the test, over HTTP with that token.</li>
 *   <li><b>The PC's page and the kiosk's screen</b>: the test, over HTTP (the page with no token,
 *       the kiosk's screen with the merchant's).</li>
 * </ul>
 */
class S1AcrossProcessesTest {

    private static final String PIN = "2468";
    private static final String WRONG_PIN = "1111";
    private static final String PHONE = "alice";
    private static final String NUMBER = "+46701234567";
    private static final Money ALICE_OPENS_WITH = Money.parse("100.00 EUR");
    private static final Money BOB_OPENS_WITH = Money.parse("10.00 EUR");
    private static final Money TRANSFER = Money.parse("25.00 EUR");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60); // a busy machine starts a JVM slowly
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The push rings at once; this bounds a run on a busy machine. It is under the stream's 15 s
     * keep-alive, after which the bank would look again anyway, so a push that does not ring fails.
     */
    private static final Duration PUSHED_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<ChildJvm> children = new ArrayList<>();
    private URI bankUri;
    private URI merchantUri;
    private int bankPort;
    private String token;

    /** What the PC's page holds for one approval it started. */
    record Page(String approvalId, String collectToken) {
    }

    @AfterEach
    void stopChildren() {
        children.reversed().forEach(ChildJvm::close);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPhoneInItsOwnProcessesEnrolsApprovesDeclinesScansPresentsToAKioskAndIsRefusedOnceRevoked() throws Exception {
        long started = System.nanoTime();
        serve();
        try (PartyClient desk = new PartyClient(bankUri, token); PartyClient pc = new PartyClient(bankUri)) {
            desk.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", ALICE_OPENS_WITH), BankApi.Balance.class);
            desk.post("/issuer/customers", new BankApi.OpenCustomer("bob", "Bob Berg", BOB_OPENS_WITH), BankApi.Balance.class);

            // Enrolment (seed 001, [43]-[46], S100-S140): the desk's reference, then the phone's CMP with the bank's CA
            Matcher given = deskCommand("certificate", "reference", "--customer", "alice", "--phone-number", NUMBER)
                    .expect(0, "the desk gives a reference").find("reference (\\d{12}) secret ([0-9A-Z]{16})");
            phone("phone", "create", "--phone", PHONE, "--pin", PIN).expect(0, "the phone is created");
            assertTrue(Files.isDirectory(dir.resolve("phones").resolve(PHONE)), "the phone keeps its storage in its own directory");
            String[] enrol = {"phone", "enrol", "--phone", PHONE, "--reference", given.group(1), "--secret", given.group(2), "--pin"};
            phone(concat(enrol, WRONG_PIN)).refused(CardOsException.WRONG_PIN, "a wrong PIN is refused before any CMP");
            String serial = phone(concat(enrol, PIN)).expect(0, "the right PIN enrols with the same reference, which the refusal left unspent")
                    .find("certificate ([0-9a-f]+) for Alice Andersson \\(alice, " + Pattern.quote(NUMBER) + "\\)").group(1);
            CaApi.CertificateView issued = certificate(desk, serial);

            // the desk hands a kiosk's operator the root it is to trust (escudo.s1.root), with a fingerprint to compare
            Matcher root = deskCommand("certificate", "root", "--out", dir.resolve("s1-root.pem").toString()).expect(0, "the desk writes the root")
                    .find("root (.+) SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}) written to ");
            Command x509 = Command.run(dir, "openssl", "x509", "-in", "s1-root.pem", "-noout", "-fingerprint", "-sha256", "-subject");
            assertEquals(0, x509.exit(), x509.output());
            assertTrue(x509.output().contains("Fingerprint=" + root.group(2)), "openssl reads the PEM and agrees on the fingerprint: " + x509.output());
            assertTrue(issued.confirmedAt() != null && issued.revokedAt() == null, "the CA holds it confirmed and good: " + issued);

            // Flow A (seed 001, Fig. 3, S150-S270): the phone listens first, the PC starts the transfer, the push wakes the phone
            ChildJvm waiting = startPhone("phone", "wait", "--phone", PHONE, "--timeout", "60");
            awaitConnection(waiting);
            Page transfer = start(pc, TRANSFER, "rent share");
            ChildRun shown = ChildRun.of(waiting, PUSHED_WITHIN).expect(0, "the waiting phone is told and shows the approval");
            shown.find("approval " + Pattern.quote(transfer.approvalId()) + ":");
            shown.find("Transfer 25\\.00 EUR");
            shown.find("to Bob Berg \\(bob\\)");
            shown.find("rent share");
            assertEquals(ApprovalStatus.DELIVERED, collect(pc, transfer), "the page sees that the phone fetched it");
            assertBalances(desk, ALICE_OPENS_WITH, BOB_OPENS_WITH, "nothing moves before the phone signs");

            phone("phone", "approve", "--phone", PHONE, "--approval", transfer.approvalId(), "--pin", PIN)
                    .expect(0, "the phone signs with the PIN").find("approval " + Pattern.quote(transfer.approvalId()) + ": signed and done");
            assertEquals(ApprovalStatus.DONE, collect(pc, transfer), "the page sees it done");
            Money aliceAfter = ALICE_OPENS_WITH.minus(TRANSFER);
            Money bobAfter = BOB_OPENS_WITH.plus(TRANSFER);
            assertBalances(desk, aliceAfter, bobAfter, "the transfer is carried out");
            phone("phone", "approve", "--phone", PHONE, "--approval", transfer.approvalId(), "--pin", PIN)
                    .refused(ApprovalException.UNKNOWN, "a done approval no longer waits for the phone");
            assertBalances(desk, aliceAfter, bobAfter, "approving again moves nothing: the transfer was carried out once");

            // The user says no on the phone
            Page declined = start(pc, Money.parse("5.00 EUR"), "second thoughts");
            phone("phone", "decline", "--phone", PHONE, "--approval", declined.approvalId())
                    .expect(0, "the phone declines").find("approval " + Pattern.quote(declined.approvalId()) + ": declined on the phone");
            assertEquals(ApprovalStatus.DECLINED, collect(pc, declined), "the page sees it declined");
            assertBalances(desk, aliceAfter, bobAfter, "a decline moves nothing");

            // Flow B (Fig. 5): the PC's code as an image file, read, shown and signed by the phone process, the file forwarded by the PC
            ApprovalApi.Handoff handoff = pc.post("/issuer/s1/handoffs/transfers", new ApprovalApi.StartTransfer("alice", NUMBER, "bob",
                    Money.parse("3.00 EUR"), "by code"), ApprovalApi.Handoff.class);
            Path screen = Files.write(dir.resolve("screen.png"), pc.post("/issuer/s1/handoffs/frame", new ApprovalApi.Ticket(handoff.ticket()),
                    byte[].class));
            Path signedFile = dir.resolve("approval.p7m");
            phone("phone", "scan", "--phone", PHONE, "--image", screen.toString(), "--pin", PIN, "--out", signedFile.toString())
                    .expect(0, "the phone reads the code off the image and signs it").find("Transfer 3\\.00 EUR");
            assertEquals(ApprovalStatus.DONE, pc.post("/issuer/s1/handoffs/signature", new ApprovalApi.Signature(Bytes.of(Files.readAllBytes(signedFile))),
                    ApprovalApi.Status.class).status(), "the PC forwards the phone's file");
            aliceAfter = aliceAfter.minus(Money.parse("3.00 EUR"));
            bobAfter = bobAfter.plus(Money.parse("3.00 EUR"));
            assertBalances(desk, aliceAfter, bobAfter, "the hand-off is carried out");

            // Flow C (Fig. 7): the merchant's kiosk shows a challenge; the phone process reads it, signs it and presents it
            ranToItsEnd(child("merchant", "register", "--issuer", bankUri.toString(), "--merchant", merchantUri.toString(), "--token", token))
                    .expect(0, "the merchant's node registers at the bank");
            try (PartyClient kioskScreen = new PartyClient(merchantUri, token)) {
                KioskChallenge challenge = kioskScreen.post("/merchant/s1/kiosk/challenges", new KioskApi.Pick("a day ticket", Money.parse("4.00 EUR")),
                        KioskApi.Challenge.class).challenge();
                String[] present = {"phone", "present", "--phone", PHONE, "--kiosk", merchantUri.toString(), "--challenge", challenge.challengeId()};
                phone(present).expect(0, "the phone shows the kiosk's challenge").find("Pay 4\\.00 EUR");
                phone(concat(present, "--pin", WRONG_PIN)).refused(CardOsException.WRONG_PIN, "a wrong PIN presents nothing");
                phone(concat(present, "--pin", PIN)).expect(0, "the kiosk checks the certificate online and dispenses")
                        .find("the kiosk dispenses a day ticket \\(4\\.00 EUR, standing checked online\\)");
                phone(concat(present, "--pin", PIN)).refused(ApprovalException.DONE, "a challenge is answered once");
                assertEquals(Money.parse("4.00 EUR"), kioskScreen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(),
                        KioskApi.Collection.class).total(), "the merchant collects the signed challenge from the bank");
            }
            aliceAfter = aliceAfter.minus(Money.parse("4.00 EUR"));
            assertBalances(desk, aliceAfter, bobAfter, "the kiosk's sale is paid from Alice's account, once");

            // Revocation: the desk revokes while an approval waits; the phone is refused and nothing moves
            Page open = start(pc, Money.parse("7.00 EUR"), "after the theft");
            deskCommand("certificate", "revoke", "--serial", serial, "--reason", "key-compromise").expect(0, "the desk revokes")
                    .find("certificate " + serial + " of alice revoked .* \\(KEY_COMPROMISE\\)");
            assertNotNull(certificate(desk, serial).revokedAt(), "the CA holds it revoked");
            // two phone processes at once: neither changes anything the other reads, and a JVM's start is most of each
            ChildJvm approving = startPhone("phone", "approve", "--phone", PHONE, "--approval", open.approvalId(), "--pin", PIN);
            ChildJvm listening = startPhone("phone", "wait", "--phone", PHONE, "--timeout", "5");
            ranToItsEnd(approving).refused(CertificateException.REVOKED, "a revoked certificate fetches and signs nothing");
            ranToItsEnd(listening).refused(CertificateException.REVOKED, "a revoked certificate opens no push channel");
            assertEquals(ApprovalStatus.WAITING, collect(pc, open), "the page still waits: the revoked phone fetched nothing");
            EscudoException noPhone = assertThrows(EscudoException.class, () -> start(pc, Money.parse("1.00 EUR"), "one more"));
            assertEquals(ApprovalException.NO_CERTIFICATE, noPhone.code(), "the PC can no longer ask that phone: " + noPhone.getMessage());
            assertBalances(desk, aliceAfter, bobAfter, "in the end exactly what was approved moved money");
        }
        System.out.printf("S1AcrossProcessesTest: %d child JVMs, %d s%n", children.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** {@code escudo serve} on free ports and a data directory of its own; the operator token is the one it wrote there. */
    private void serve() throws IOException {
        ServedNode node = ServedNode.start(dir, READY_TIMEOUT);
        children.add(node.process());
        bankUri = node.bank();
        bankPort = node.bankPort();
        merchantUri = node.merchant();
        token = node.token();
    }

    /** A desk command: the bank's address and the operator token. */
    private ChildRun deskCommand(String... words) throws IOException {
        return ranToItsEnd(child(concat(words, "--issuer", bankUri.toString(), "--token", token)));
    }

    /** A phone command, run to its end in a process of its own. */
    private ChildRun phone(String... words) throws IOException {
        return ranToItsEnd(startPhone(words));
    }

    /** A phone command in a process of its own: the bank's address and the phone's directory, no token. */
    private ChildJvm startPhone(String... words) throws IOException {
        return child(concat(words, "--issuer", bankUri.toString(), "--phones", dir.resolve("phones").toString()));
    }

    private ChildJvm child(String... argv) throws IOException {
        ChildJvm child = ChildJvm.start(Main.class.getName(), List.of(argv), dir, Map.of(), line -> false, line -> false);
        children.add(child);
        return child;
    }

    private static ChildRun ranToItsEnd(ChildJvm child) {
        return ChildRun.of(child, COMMAND_TIMEOUT);
    }

    /** The PC's page starts a transfer from Alice to Bob, to be approved on Alice's phone. */
    private static Page start(PartyClient pc, Money amount, String message) {
        ApprovalApi.Started started = pc.post("/issuer/s1/approvals/transfers",
                new ApprovalApi.StartTransfer("alice", NUMBER, "bob", amount, message), ApprovalApi.Started.class);
        return new Page(started.approvalId(), started.collectToken());
    }

    private static ApprovalStatus collect(PartyClient pc, Page page) {
        return pc.post("/issuer/s1/approvals/" + page.approvalId() + "/collect", new ApprovalApi.Collect(page.collectToken()),
                ApprovalApi.Status.class).status();
    }

    private static CaApi.CertificateView certificate(PartyClient desk, String serial) {
        return desk.get("/issuer/customers/alice/certificates", CaApi.Certificates.class).certificates().stream()
                .filter(c -> c.serial().equals(serial)).findFirst()
                .orElseThrow(() -> new AssertionError("the CA lists no certificate " + serial + " for alice"));
    }

    private static void assertBalances(PartyClient desk, Money alice, Money bob, String why) {
        assertEquals(alice, desk.get("/issuer/customers/alice", BankApi.Balance.class).balance(), why + ": Alice's account");
        assertEquals(bob, desk.get("/issuer/customers/bob", BankApi.Balance.class).balance(), why + ": Bob's account");
    }

    /**
     * Waits until the waiting phone holds a connection open to the bank: its push channel (it makes
     * no other request before an event). Only then does the PC start the transfer, so the phone is
     * woken by the push and not by the stream's first look at what already waits.
     */
    private void awaitConnection(ChildJvm phone) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!connectedToTheBank(phone.pid())) {
            phone.assertAlive();
            if (System.nanoTime() > deadline) {
                fail("the waiting phone opened no connection to the bank within " + READY_TIMEOUT.toSeconds() + " s:\n" + phone.output());
            }
            Thread.sleep(50);
        }
        // The connection is up; the bank subscribes it after checking the phone's proof, a few milliseconds on.
        Thread.sleep(300);
        phone.assertAlive();
    }

    /** Whether process {@code pid} has an established TCP connection to the bank's port (Linux: its sockets under /proc). */
    private boolean connectedToTheBank(long pid) throws IOException {
        Path process = Path.of("/proc", Long.toString(pid));
        Set<String> sockets = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // a descriptor closed while we listed them
                }
            }
        } catch (NoSuchFileException ended) {
            return false; // the caller's assertAlive says why
        }
        String bank = String.format(":%04X", bankPort);
        for (String table : List.of("tcp", "tcp6")) {
            try (Stream<String> lines = Files.lines(process.resolve("net").resolve(table))) {
                // sl local_address rem_address st ... inode: st 01 is ESTABLISHED
                if (lines.skip(1).map(line -> line.trim().split("\\s+"))
                        .anyMatch(f -> f[2].endsWith(bank) && f[3].equals("01") && sockets.contains(f[9]))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String[] concat(String[] words, String... more) {
        return Stream.concat(Stream.of(words), Stream.of(more)).toArray(String[]::new);
    }
}
