package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.Node;
import escudo.node.NodeConfig;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.QrCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a person types against a running node (issuer and merchant roles, embedded default). */
class CommandLineTest {

    @TempDir
    Path dir;
    private Node node;
    private String issuerUrl;
    private String merchantUrl;
    private String courierUrl;
    private String token;
    private String out;
    private String err;

    @BeforeEach
    void serve() throws IOException {
        int issuerPort = freePort();
        int merchantPort = freePort();
        int courierPort = freePort();
        NodeConfig config = NodeConfig.load(null, Map.of(
                "ESCUDO_DATA_DIR", dir.resolve("node").toString(),
                "ESCUDO_ISSUER_PORT", String.valueOf(issuerPort),
                "ESCUDO_MERCHANT_PORT", String.valueOf(merchantPort),
                "ESCUDO_COURIER_PORT", String.valueOf(courierPort),
                "ESCUDO_MERCHANT_ID", "corner-shop"), Map.of());
        node = Node.start(config, Map.of());
        token = escudo.node.KeyVault.readOperatorToken(dir.resolve("node"), Map.of()).orElseThrow();
        issuerUrl = "http://127.0.0.1:" + issuerPort;
        merchantUrl = "http://127.0.0.1:" + merchantPort;
        courierUrl = "http://127.0.0.1:" + courierPort;
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private int escudo(String... words) {
        String[] common = {"--issuer", issuerUrl, "--merchant", merchantUrl, "--courier", courierUrl,
                "--cards", dir.resolve("cards").toString(), "--devices", dir.resolve("devices").toString(),
                "--holders", dir.resolve("holders").toString(), "--phones", dir.resolve("phones").toString(), "--token", token};
        CliRun run = CliRun.of(words, common);
        out = run.out();
        err = run.err();
        return run.exit();
    }

    @Test
    void aSplitOrderFromTheCommandLine() {
        assertEquals(0, escudo("merchant", "register"), err);
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "100.00 EUR"), err);
        assertEquals(0, escudo("payment-card", "issue", "--customer", "alice"), err);
        Matcher card = Pattern.compile("payment card (\\d{16}) valid through (\\d\\d/\\d\\d)").matcher(out);
        assertTrue(card.find(), out);
        assertEquals(0, escudo("shopper", "enrol", "--holder", "alice"), err);
        assertEquals(0, escudo("shop", "catalogue"), err);
        assertTrue(out.contains("mug"), out);

        String[] order = {"shop", "order", "--holder", "alice", "--items", "mug:2", "--card-number", card.group(1),
                "--expiry", card.group(2), "--contact", "Alice, +34 600 000 000", "--destination", "Calle Mayor 1, Madrid"};
        assertEquals(0, escudo(order), err);
        Matcher placed = Pattern.compile("order (ORD-\\S+) at corner-shop: DISPATCHED, 24.00 EUR, "
                + "authorisation \\S+, tracking (TRK-\\S+)").matcher(out);
        assertTrue(placed.find(), out);
        assertEquals(0, escudo("customer", "show", "--id", "alice"), err);
        assertTrue(out.contains("100.00 EUR"), "held for the shop, not paid while the parcel is at the shop: " + out);

        assertEquals(0, escudo("courier", "deliveries"), err);
        assertTrue(out.contains(placed.group(2)) && out.contains("Calle Mayor 1, Madrid"), out);
        assertEquals(0, escudo("courier", "advance", "--tracking", placed.group(2), "--state", "picked_up"), err);
        assertEquals(0, escudo("courier", "advance", "--tracking", placed.group(2), "--state", "delivered"), err);
        assertEquals(0, escudo("shop", "status", "--holder", "alice", "--order", placed.group(1)), err);
        assertTrue(out.contains("DELIVERED"), out);
        assertEquals(0, escudo("customer", "show", "--id", "alice"), err);
        assertTrue(out.contains("76.00 EUR"), "the status query that learnt of the delivery captured the payment: " + out);

        assertEquals(2, escudo("courier", "advance", "--tracking", placed.group(2), "--state", "teleported"));
        assertTrue(err.contains("Invalid value for option '--state': 'teleported' is not picked_up, delivered or failed"), err);
        assertEquals(2, escudo("shop", "order", "--holder", "alice", "--items", "mug:1", "--card-number", "4999000000000000",
                "--expiry", card.group(2), "--contact", "Alice", "--destination", "Calle Mayor 1, Madrid"));
        assertTrue(err.contains("refused [order.card-declined]"), err);
        assertEquals(2, escudo("shop", "status", "--holder", "bob", "--order", placed.group(1)));
        assertTrue(err.contains("refused [cli.no-holder]"), err);
        assertEquals(0, escudo("customer", "show", "--id", "alice"), err);
        assertTrue(out.contains("76.00 EUR"), "the refusals moved nothing: " + out);
    }

    /** Seed 001, S100-S140 from the command line: the desk's reference, the phone's own key enrolled behind its PIN, a revocation. */
    @Test
    void aPhoneEnrolsWithTheDesksReferenceAndTheDeskRevokesItsCertificate() throws Exception {
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice Andersson", "--deposit", "10.00 EUR"), err);
        assertEquals(0, escudo("certificate", "reference", "--customer", "alice", "--phone-number", "+46701234567"), err);
        Matcher given = Pattern.compile("reference (\\d{12}) secret ([0-9A-Z]{16})").matcher(out);
        assertTrue(given.find(), out);
        assertEquals(0, escudo("phone", "create", "--phone", "alice", "--pin", "2468"), err);
        assertEquals(2, escudo("phone", "enrol", "--phone", "alice", "--reference", given.group(1), "--secret", given.group(2), "--pin", "1111"));
        assertTrue(err.contains("card.wrong-pin"), err);
        assertEquals(0, escudo("phone", "enrol", "--phone", "alice", "--reference", given.group(1), "--secret", given.group(2), "--pin", "2468"), err);
        Matcher issued = Pattern.compile("certificate ([0-9a-f]+) for Alice Andersson \\(alice, \\+46701234567\\)").matcher(out);
        assertTrue(issued.find(), out);
        assertEquals(0, escudo("certificate", "list", "--customer", "alice"), err);
        assertTrue(out.contains(issued.group(1) + " +46701234567") && out.contains(": good"), out);

        // Flow A from the phone's side: nothing waits, then the PC's transfer arrives and is approved
        assertEquals(3, escudo("phone", "wait", "--phone", "alice", "--timeout", "1"), err);
        ApprovalApi.Started started;
        try (PartyClient pc = new escudo.http.PartyClient(URI.create(issuerUrl))) {
            escudo("customer", "open", "--id", "bob", "--name", "Bob", "--deposit", "1.00 EUR");
            started = pc.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", "+46701234567", "bob",
                    Money.parse("2.50 EUR"), "lunch"), ApprovalApi.Started.class);
        }
        assertEquals(0, escudo("phone", "wait", "--phone", "alice", "--timeout", "10"), err);
        assertTrue(out.contains("approval " + started.approvalId()) && out.contains("Transfer 2.50 EUR") && out.contains("to Bob (bob)"), out);
        assertEquals(2, escudo("phone", "approve", "--phone", "alice", "--approval", started.approvalId(), "--pin", "1111"));
        assertTrue(err.contains("card.wrong-pin"), err);
        assertEquals(0, escudo("phone", "approve", "--phone", "alice", "--approval", started.approvalId(), "--pin", "2468"), err);
        assertTrue(out.contains("signed and done"), out);
        assertEquals(0, escudo("customer", "show", "--id", "bob"), err);
        assertTrue(out.contains("3.50 EUR"), out);

        // Flow B: the PC's code as an image, read, shown and signed on the phone, the signature handed back as a file
        Path image = dir.resolve("screen.png");
        Path signed = dir.resolve("signed.p7m");
        try (PartyClient pc = new escudo.http.PartyClient(URI.create(issuerUrl))) {
            ApprovalApi.Handoff handoff = pc.post("/issuer/s1/handoffs/transfers", new ApprovalApi.StartTransfer(
                    "alice", "+46701234567", "bob", Money.parse("1.25 EUR"), "coffee"), ApprovalApi.Handoff.class);
            Files.write(image, pc.post("/issuer/s1/handoffs/frame", new ApprovalApi.Ticket(handoff.ticket()), byte[].class));
            assertEquals(0, escudo("phone", "scan", "--phone", "alice", "--image", image.toString()), err);
            assertTrue(out.contains("approval " + handoff.approvalId()) && out.contains("Transfer 1.25 EUR") && out.contains("scan again with --pin"), out);
            assertEquals(2, escudo("phone", "scan", "--phone", "alice", "--image", image.toString(), "--pin", "1111"));
            assertTrue(err.contains("card.wrong-pin"), err);
            assertEquals(0, escudo("phone", "scan", "--phone", "alice", "--image", image.toString(), "--pin", "2468", "--out", signed.toString()), err);
            assertTrue(out.contains("hand " + signed), out);
            ApprovalApi.Status done = pc.post("/issuer/s1/handoffs/signature",
                    new ApprovalApi.Signature(Bytes.of(Files.readAllBytes(signed))),
                    ApprovalApi.Status.class);
            assertEquals(ApprovalStatus.DONE, done.status());
        }
        assertEquals(0, escudo("customer", "show", "--id", "bob"), err);
        assertTrue(out.contains("4.75 EUR"), out);
        assertEquals(2, escudo("phone", "scan", "--phone", "alice", "--image", dir.resolve("no-such.png").toString()));
        assertTrue(err.contains("cli.usage"), err);
        Files.write(image, QrCode.png("not an approval"));
        assertEquals(2, escudo("phone", "scan", "--phone", "alice", "--image", image.toString()));
        assertTrue(err.contains("s1.qr-unreadable"), err);

        assertEquals(2, escudo("phone", "renew", "--phone", "alice", "--pin", "1111"));
        assertTrue(err.contains("card.wrong-pin"), err);
        assertEquals(0, escudo("phone", "renew", "--phone", "alice", "--pin", "2468"), err);
        Matcher renewed = Pattern.compile("certificate ([0-9a-f]+) replaces " + issued.group(1)).matcher(out);
        assertTrue(renewed.find(), out);
        assertEquals(0, escudo("certificate", "list", "--customer", "alice"), err);
        assertTrue(out.contains(issued.group(1)) && out.contains("SUPERSEDED") && out.contains(renewed.group(1) + " +46701234567"), out);
        String serial = renewed.group(1);
        assertEquals(0, escudo("certificate", "revoke", "--serial", serial, "--reason", "key-compromise"), err);
        assertEquals(0, escudo("certificate", "list", "--customer", "alice"), err);
        assertTrue(out.contains("revoked") && out.contains("KEY_COMPROMISE"), out);
        assertEquals(2, escudo("certificate", "revoke", "--serial", serial));
        assertTrue(err.contains("s1.certificate-already-revoked"), err);
        assertEquals(0, escudo("phone", "list", "--phone", "alice"), err);
        assertTrue(out.contains(serial + " Alice Andersson +46701234567"), out);
    }

    @Test
    void aPersonOpensAccountsIssuesACardPaysDepositsAndTopsUp() {
        assertEquals(0, escudo("merchant", "register"), err);
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "200.00 EUR"), err);
        assertEquals(0, escudo("card", "issue", "--card", "alice", "--customer", "alice", "--amount", "50.00 EUR", "--pin", "4321"), err);
        assertTrue(out.contains("50.00 EUR"), out);

        assertEquals(2, escudo("pay", "--card", "alice", "--amount", "3.80 EUR", "--pin", "1111"));
        assertTrue(err.contains("refused [card.wrong-pin]"), err);
        assertEquals(0, escudo("pay", "--card", "alice", "--amount", "3.80 EUR", "--details", "flat white", "--pin", "4321"), err);
        assertTrue(out.contains("accepted offline"), out);

        assertEquals(0, escudo("deposit"), err);
        assertTrue(out.contains("CLEARED 3.80 EUR"), out);
        assertEquals(0, escudo("topup", "--card", "alice", "--amount", "20.00 EUR", "--pin", "4321", "--renew"), err);
        assertTrue(out.contains("66.20 EUR") && out.contains("CARD-CERT renewed"), out);
        assertEquals(0, escudo("balances"), err);
        assertTrue(out.contains("merchant:corner-shop") && out.contains("{EUR=0}"), out);
    }

    @Test
    void theS3CardCarriesS4sCardOsBesideItsCashApplicationUnderOnePin() {
        assertEquals(0, escudo("merchant", "register"), err);
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "200.00 EUR"), err);
        assertEquals(0, escudo("card", "issue", "--card", "alice", "--customer", "alice", "--amount", "50.00 EUR", "--pin", "4321"), err);
        String issuerKey = dir.resolve("issuer.key").toString();
        String metroKey = dir.resolve("metro.key").toString();
        assertEquals(2, escudo("card", "personalise", "--card", "alice", "--issuer-id", "bank", "--issuer-key", issuerKey,
                "--holder", "Alice", "--pin", "1111"));
        assertTrue(err.contains("refused [card.wrong-pin]"), "the S4 application joins under the card's own PIN: " + err);
        assertEquals(0, escudo("card", "personalise", "--card", "alice", "--issuer-id", "bank", "--issuer-key", issuerKey,
                "--holder", "Alice", "--pin", "4321"), err);
        assertEquals(0, escudo("card", "domain", "--card", "alice", "--issuer-id", "bank", "--issuer-key", issuerKey,
                "--provider", "metro", "--provider-key", metroKey), err);
        assertEquals(0, escudo("card", "record", "--card", "alice", "--provider", "metro", "--provider-key", metroKey, "--record", "1",
                "--name", "metro pass", "--instrument", "ticket", "--account", "10 rides"), err);
        assertEquals(0, escudo("card", "list", "--card", "alice"), err);
        assertTrue(out.contains("provider metro") && out.contains("metro pass (ticket, signing key), account 10 rides"), out);

        assertEquals(2, escudo("card", "list", "--card", "alice", "--pin", "0000"));
        assertTrue(err.contains("refused [s4.wrong-pin]"), err);
        assertEquals(0, escudo("card", "show", "--card", "alice"), err);
        assertTrue(out.contains("50.00 EUR") && out.contains("PIN tries left 2"), "one PIN, one counter for the whole card: " + out);
        assertEquals(0, escudo("pay", "--card", "alice", "--amount", "3.80 EUR", "--pin", "4321"), err);
        assertEquals(0, escudo("card", "show", "--card", "alice"), err);
        assertTrue(out.contains("46.20 EUR") && out.contains("PIN tries left 3"), "the cash application pays as before: " + out);
        assertEquals(0, escudo("card", "list", "--card", "alice"), err);
        assertTrue(out.contains("metro pass"), "and the metro pass is still there: " + out);
    }

    @Test
    void theTillPresentsACheckoutAndTheHoldersTerminalPaysItWithoutAnyToken() {
        String operator = token;
        assertEquals(0, escudo("merchant", "register"), err);
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "200.00 EUR"), err);
        assertEquals(0, escudo("card", "issue", "--card", "alice", "--customer", "alice", "--amount", "50.00 EUR", "--pin", "4321"), err);
        assertEquals(0, escudo("checkout", "--amount", "4.20 EUR", "--details", "two croissants"), err);
        var checkout = Pattern.compile("checkout ([0-9a-f]{32}): 4.20 EUR for two croissants at corner-shop, payable until ")
                .matcher(out);
        assertTrue(checkout.find(), out);

        token = "not-the-token-" + "0".repeat(40); // the holder's terminal holds no operator token
        assertEquals(2, escudo("checkout", "--amount", "0.01 EUR"));
        assertTrue(err.contains("refused [node.operator-only]: this is a merchant desk operation"), err);
        assertEquals(2, escudo("pay", "--card", "alice", "--amount", "4.20 EUR", "--pin", "4321"), "--amount has the till present it");
        assertTrue(err.contains("refused [node.operator-only]"), err);
        assertEquals(0, escudo("pay", "--card", "alice", "--checkout", checkout.group(1), "--pin", "4321"), err);
        assertTrue(out.contains("paid 4.20 EUR (ser# 1): accepted offline"), out);
        assertEquals(2, escudo("pay", "--card", "alice", "--checkout", checkout.group(1), "--pin", "4321"));
        assertTrue(err.contains("refused [merchant.duplicate-payment]"), err);
        for (String[] merchants : new String[][] {{"payments"}, {"deposit"}, {"blacklist"}}) {
            assertEquals(2, escudo(merchants), merchants[0]);
            assertTrue(err.contains("refused [node.operator-only]: this is a merchant desk operation"), err);
        }

        token = operator;
        assertEquals(0, escudo("payments"), err);
        assertTrue(out.contains("ser# 1 4.20 EUR: COLLECTED"), out);
        assertEquals(0, escudo("deposit"), err);
        assertTrue(out.contains("CLEARED 4.20 EUR"), out);
    }

    @Test
    void aTopUpWhoseAnswerWasLostArrivesOnceWithTheNextTopUp() {
        assertEquals(0, escudo("customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "200.00 EUR"), err);
        assertEquals(0, escudo("card", "issue", "--card", "alice", "--customer", "alice", "--amount", "50.00 EUR", "--pin", "4321"), err);
        // The card asked for 20.00 EUR and the bank did it, but its answer never reached the card.
        escudo.s3.card.Card card = escudo.s3.card.Card.open(dir.resolve("cards").resolve("alice"));
        try (PartyClient bank = new escudo.http.PartyClient(URI.create(issuerUrl))) {
            bank.post("/issuer/withdrawals", card.requestWithdrawal(Money.parse("20.00 EUR"), false, "4321"),
                    escudo.s3.protocol.WithdrawalAck.class);
        }

        assertEquals(0, escudo("topup", "--card", "alice", "--amount", "20.00 EUR", "--pin", "4321"), err);
        assertTrue(out.contains("the top-up of 20.00 EUR asked earlier has arrived") && out.contains("70.00 EUR"), out);
        assertEquals(0, escudo("topup", "--card", "alice", "--amount", "5.00 EUR", "--pin", "4321"), err);
        assertTrue(out.contains("topped up 5.00 EUR") && out.contains("75.00 EUR"), out);
        assertEquals(0, escudo("customer", "show", "--id", "alice"), err);
        assertTrue(out.contains("125.00 EUR"), "each top-up was paid once: " + out);
    }

    @Test
    void aDeviceRegistersAndTradesOnlyOnItsOwnHardware() {
        assertEquals(0, escudo("merchant", "register"), err);
        assertEquals(0, escudo("customer", "open", "--id", "bob", "--name", "Bob", "--deposit", "100.00 EUR"), err);
        assertEquals(0, escudo("device", "enrol", "--customer", "bob"), err);
        var matcher = Pattern.compile("enrolment code for bob: (\\S+)").matcher(out);
        assertTrue(matcher.find(), out);
        String code = matcher.group(1);
        assertEquals(0, escudo("device", "register", "--device", "phone", "--customer", "bob", "--code", code,
                "--order", "symmetric-inside", "--serial", "phone-serial-1"), err);
        assertTrue(out.contains("layer order SYMMETRIC_INSIDE"), out);
        assertEquals(0, escudo("device", "transfer", "--device", "phone", "--from", "current", "--to", "savings",
                "--amount", "30.00 EUR", "--serial", "phone-serial-1"), err);
        assertTrue(out.contains("savings: 30.00 EUR"), out);
        assertEquals(0, escudo("device", "order", "--device", "phone", "--payee", "corner-shop", "--amount", "9.90 EUR",
                "--details", "a lamp", "--serial", "phone-serial-1", "--id", "lamp-1"), err);
        assertTrue(out.contains("order lamp-1 paid") && out.contains("current account 60.10 EUR"), out);
        // sent again with its id (as after an answer that never came): answered again, paid once
        assertEquals(0, escudo("device", "order", "--device", "phone", "--payee", "corner-shop", "--amount", "9.90 EUR",
                "--details", "a lamp", "--serial", "phone-serial-1", "--id", "lamp-1"), err);
        assertTrue(out.contains("order lamp-1 paid") && out.contains("current account 60.10 EUR"), out);
        assertEquals(2, escudo("device", "balance", "--device", "phone", "--serial", "another-machine"));
        assertTrue(err.contains("[device.wrong-hardware]"), err);
        assertEquals(2, escudo("device", "order", "--device", "phone", "--payee", "corner-shop", "--amount", "500.00 EUR",
                "--serial", "phone-serial-1"));
        assertTrue(err.contains("[issuer.insufficient-funds]"), err);
        assertEquals(2, escudo("device", "register", "--device", "tablet", "--customer", "bob", "--code", code, "--serial", "tablet-1"));
        assertTrue(err.contains("[s0.bad-enrolment]"), err);

        assertEquals(0, escudo("device", "list", "--customer", "bob"), err);
        var id = Pattern.compile("(dev-[0-9a-f]+) phone").matcher(out);
        assertTrue(id.find(), out);
        assertEquals(0, escudo("device", "revoke", "--id", id.group(1)), err);
        assertTrue(out.contains("REVOKED"), out);
        assertEquals(2, escudo("device", "balance", "--device", "phone", "--serial", "phone-serial-1"));
        assertTrue(err.contains("[s0.device-revoked]"), err);
    }

    @Test
    void withoutTheOperatorTokenDeskCommandsAreRefused() {
        token = "not-the-token-" + "0".repeat(40);
        assertEquals(2, escudo("customer", "open", "--id", "eve", "--name", "Eve", "--deposit", "1000.00 EUR"));
        assertTrue(err.contains("refused [node.operator-only]"), err);
    }

    @Test
    void refusalsAndTyposGetAClearMessageAndExitCode() {
        assertEquals(2, escudo("customer", "show", "--id", "nobody"));
        assertTrue(err.contains("refused [issuer.unknown-customer]"), err);
        assertEquals(2, escudo("customer", "open", "--id", "bob", "--name", "Bob", "--deposit", "ten euros"));
        assertTrue(err.contains("[money.invalid]"), err);
        assertEquals(2, escudo("pay", "--card", "ghost", "--amount", "1.00 EUR", "--pin", "1234"));
        assertTrue(err.contains("[card.not-found]"), err);
        assertEquals(2, escudo("balances", "--colour", "red"));
        assertTrue(err.contains("unknown option: --colour"), err);
        assertEquals(2, escudo("teleport"));
        assertTrue(err.contains("unknown command"), err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
