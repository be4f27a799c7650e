package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code escudo card} on S4's Java Card applet: {@code escudo card simulator} keeps the card in
 * jCardSim in a process of its own, and every other command is a run of the command line that
 * reaches it through the reader's socket, as a holder's, an issuer's and a provider's terminal
 * would. The card's signature is checked with openssl, not with our code.
 */
class S4CommandLineTest {

    private static final Pattern READY = Pattern.compile("in a reader on 127\\.0\\.0\\.1:(\\d+)");
    private static final String PIN = "2468";

    @TempDir
    Path dir;
    private ChildJvm simulator;
    private String reader;
    private String out;
    private String err;

    @BeforeEach
    void startTheSimulator() throws Exception {
        AtomicInteger port = new AtomicInteger();
        simulator = ChildJvm.start(Main.class.getName(), List.of("card", "simulator", "--issuer-id", "bank",
                        "--issuer-key", dir.resolve("issuer.key").toString(), "--holder", "Alice", "--pin", PIN), dir, Map.of(),
                line -> {
                    Matcher ready = READY.matcher(line);
                    if (ready.find()) {
                        port.set(Integer.parseInt(ready.group(1)));
                        return true;
                    }
                    return false;
                }, line -> false);
        simulator.awaitReady(Duration.ofSeconds(60), "the card in its reader");
        reader = "127.0.0.1:" + port.get();
    }

    @AfterEach
    void stopTheSimulator() {
        simulator.close();
    }

    private int card(String... words) {
        String[] argv = new String[words.length + 3];
        argv[0] = "card";
        System.arraycopy(words, 0, argv, 1, words.length);
        argv[words.length + 1] = "--reader";
        argv[words.length + 2] = reader;
        CliRun run = CliRun.of(argv);
        out = run.out();
        err = run.err();
        return run.exit();
    }

    @Test
    void issuerProvidersAndHolderUseTheAppletsCardFromTheirOwnProcesses() throws Exception {
        String issuerKey = dir.resolve("issuer.key").toString();
        String debitKey = dir.resolve("debit.key").toString();
        String metroKey = dir.resolve("metro.key").toString();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("issuer.key"))));

        assertEquals(0, card("domain", "--issuer-id", "bank", "--issuer-key", issuerKey, "--provider", "debit", "--provider-key", debitKey), err);
        assertEquals(0, card("domain", "--issuer-id", "bank", "--issuer-key", issuerKey, "--provider", "metro", "--provider-key", metroKey), err);
        assertEquals(0, card("record", "--provider", "debit", "--provider-key", debitKey, "--record", "1", "--name", "current account",
                "--instrument", "debit", "--account", "ES12 3456", "--read", "always", "--use", "pin"), err);
        Path publicKey = dir.resolve("debit.pem");
        Files.writeString(publicKey, out.substring(out.indexOf("-----BEGIN PUBLIC KEY-----")));
        assertEquals(0, card("record", "--provider", "metro", "--provider-key", metroKey, "--record", "1", "--name", "metro pass",
                "--instrument", "stored-value", "--key-type", "agreement", "--account", "20 rides", "--read", "pin", "--use", "always"), err);

        assertEquals(0, card("list"), err);
        assertTrue(out.contains("record 1: current account (debit, signing key), account ES12 3456"), out);
        assertFalse(out.contains("metro pass"), "the metro pass is read only after the PIN: " + out);
        assertEquals(0, card("list", "--pin", PIN), err);
        assertTrue(out.contains("holder Alice") && out.contains("metro pass (stored-value, agreement key), account 20 rides"), out);

        assertEquals(2, card("record", "--provider", "metro", "--provider-key", debitKey, "--record", "2", "--name", "forged",
                "--instrument", "ticket"));
        assertTrue(err.contains("refused [s4.card-not-authentic]"), "a provider key that is not the domain's: " + err);
        Path malloryKey = dir.resolve("mallory.key");
        assertEquals(2, card("domain", "--issuer-id", "bank", "--issuer-key", metroKey, "--provider", "mallory", "--provider-key", malloryKey.toString()));
        assertTrue(err.contains("refused [s4.card-not-authentic]"), "only the issuer's key loads a domain: " + err);
        assertFalse(Files.exists(malloryKey), "a domain the card refused leaves no key behind");

        assertEquals(2, card("sign", "--provider", "debit", "--record", "1", "--message", "pay 3.20 EUR"));
        assertTrue(err.contains("refused [s4.security-status]"), "the debit key is used only after the PIN: " + err);
        assertEquals(0, card("sign", "--provider", "debit", "--record", "1", "--message", "pay 3.20 EUR", "--pin", PIN), err);
        Path signature = dir.resolve("payment.sig");
        Files.write(signature, Base64.getDecoder().decode(out.strip()));
        assertTrue(opensslVerifies(publicKey, "pay 3.20 EUR", signature), "openssl verifies the card's ECDSA signature");
        assertFalse(opensslVerifies(publicKey, "pay 320 EUR", signature), "and refuses it for another message");

        for (int left = 2; left >= 0; left--) {
            assertEquals(2, card("list", "--pin", "0000"));
            assertTrue(err.contains("refused [s4.wrong-pin]") && err.contains(left + (left == 1 ? " try" : " tries") + " left"), err);
        }
        assertEquals(2, card("list", "--pin", PIN));
        assertTrue(err.contains("refused [s4.pin-blocked]"), "locked, even for the right PIN: " + err);
        assertEquals(2, card("unblock", "--issuer-id", "metro", "--issuer-key", metroKey, "--new-pin", "1357"));
        assertTrue(err.contains("refused [s4.security-status]"), "a provider cannot unblock the PIN: " + err);
        assertEquals(0, card("unblock", "--issuer-id", "bank", "--issuer-key", issuerKey, "--new-pin", "1357"), err);
        assertEquals(0, card("change-pin", "--pin", "1357", "--new-pin", "9753"), err);
        assertEquals(0, card("holder", "--pin", "9753", "--name", "Alice Andersson"), err);
        assertEquals(0, card("list", "--pin", "9753"), err);
        assertTrue(out.contains("holder Alice Andersson") && out.contains("metro pass"), out);
    }

    @Test
    void badInputIsAUsageErrorOrAStableCodeAndTheTraceShowsTheApdus() throws Exception {
        Files.writeString(dir.resolve("short.key"), "00112233");
        assertEquals(2, card("domain", "--issuer-id", "bank", "--issuer-key", dir.resolve("short.key").toString(),
                "--provider", "metro", "--provider-key", dir.resolve("metro.key").toString()));
        assertTrue(err.contains("refused [cli.bad-key-file]") && !err.contains("00112233"), "the key is not echoed: " + err);
        assertFalse(Files.exists(dir.resolve("metro.key")), "nothing was made");
        assertEquals(2, card("record", "--provider", "metro", "--provider-key", dir.resolve("metro.key").toString(), "--record", "1",
                "--name", "pass", "--instrument", "gift"));
        assertTrue(err.contains("'gift' is not debit, credit, stored-value, loyalty, ticket or identity"), err);

        CliRun personalise = CliRun.of("card", "personalise", "--card", "bob", "--cards", dir.resolve("cards").toString(),
                "--issuer-id", "bank!", "--issuer-key", dir.resolve("issuer.key").toString(), "--holder", "Bob", "--pin", PIN);
        assertEquals(2, personalise.exit());
        assertTrue(personalise.err().contains("refused [cli.usage]: a domain id is 1 to 16 letters"), personalise.err());
        assertFalse(Files.exists(dir.resolve("cards").resolve("bob")), "no card was made");

        CliRun run = CliRun.of("card", "list", "--reader", "127.0.0.1:notaport");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("is not HOST:PORT"), run.err());

        assertEquals(0, card("list", "--pin", PIN, "--trace"), err);
        assertTrue(out.contains("> SELECT") && out.contains("> VERIFY") && out.contains("90 00  done"), out);
        assertFalse(out.replace(" ", "").contains("32343638"), "the PIN's digits are masked in the trace: " + out);
        simulator.close();
        assertEquals(1, card("list"));
        assertTrue(err.contains("s4.reader-unavailable"), err);
    }

    private static boolean opensslVerifies(Path publicKey, String message, Path signature) throws Exception {
        Path data = Files.createTempFile(signature.getParent(), "message", ".txt");
        Files.writeString(data, message, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", publicKey.toString(), "-signature", signature.toString(),
                data.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 && output.contains("Verified OK");
    }
}
