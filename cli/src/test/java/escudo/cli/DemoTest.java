package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job: {@code escudo demo --out DIR}, and its artefacts checked with openssl, not with our code. */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void demoRunsTheWholeStoryAndItsArtefactsVerifyWithOpenssl() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path artefacts = dir.resolve("out");
        int exit = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"demo", "--out", artefacts.toString(), "--data", dir.resolve("data").toString()});
        String story = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, story + err);
        assertTrue(story.contains("Every step behaved as it must."), story);
        assertTrue(story.contains("refused [issuer.double-spend]") || story.contains("issuer.double-spend"), story);
        assertTrue(story.contains("S1 (seed 001)") && story.contains("refused [s1.certificate-revoked]") && story.contains("refused [s1.approval-done]"),
                story);
        assertTrue(story.contains("S1, Flow B") && story.contains("the phone reads the image") && story.contains("to the book shop, once"), story);
        assertTrue(story.contains("S1, Flow C") && story.contains("collects the signed challenge from the bank"), story);
        assertTrue(story.contains("S4 (seed 004)") && story.contains("refused [s4.security-status]") && story.contains("refused [s4.pin-blocked]")
                && story.contains("only the issuer unblocks the PIN"), story);
        assertTrue(story.contains("S4 sessions (seed 004, claims 13-53)") && story.contains("the bank pays power-co 75.00 EUR")
                && story.contains("refused [s4.session-ended]") && story.contains("the bank pays travel-co 275.00 EUR in the same answer")
                && story.contains("refused [issuer.insufficient-funds] for every member"), story);

        // every party's request log: a line per request, and no card number, PIN, destination, key or customer in any of them
        List<String> lines = Files.readAllLines(dir.resolve("data").resolve("requests.log"));
        assertTrue(lines.size() > 100, "a line per request: " + lines.size());
        java.util.Set<String> secrets = new java.util.HashSet<>(List.of("4321", "2468", "Calle Mayor", "28013", "alice", "bob", "carol"));
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("\\b\\d{16}\\b|key ([0-9a-f]{64})").matcher(story);
        while (numbers.find()) {
            secrets.add(numbers.group(1) != null ? numbers.group(1) : numbers.group());
        }
        assertTrue(secrets.size() > 6, "the story shows card numbers and the bank's key: " + secrets);
        for (String line : lines) {
            Map<?, ?> fields = escudo.http.Json.read(line.getBytes(StandardCharsets.UTF_8), Map.class);
            assertTrue(fields.keySet().containsAll(List.of("time", "role", "party", "method", "route", "status", "latencyMs", "requestId")), line);
            for (Map.Entry<?, ?> field : fields.entrySet()) {
                // the time and the request id are the node's own, made of digits that may spell anything
                if (field.getValue() instanceof String text && !List.of("time", "requestId").contains(field.getKey())) {
                    secrets.forEach(secret -> assertFalse(text.contains(secret), "a request log line holds " + secret + ": " + line));
                }
            }
        }

        assertEquals(32, Files.size(artefacts.resolve("bank.pub")));
        assertEquals(32, Files.size(artefacts.resolve("joint.pub")));
        assertEquals(64, Files.size(artefacts.resolve("payment.sig")));
        // Keys as openssl takes them: built here from the raw 32-byte files, not from the demo's PEM.
        Path bankPem = pem(artefacts.resolve("bank.pub"));
        Path jointPem = pem(artefacts.resolve("joint.pub"));
        assertTrue(opensslVerifies(jointPem, artefacts.resolve("payment.bin"), artefacts.resolve("payment.sig")));
        assertTrue(opensslVerifies(bankPem, artefacts.resolve("card-cert.bin"), artefacts.resolve("card-cert.sig")));
        // ...and they refuse a payment with one byte changed, or under the wrong key.
        byte[] tampered = Files.readAllBytes(artefacts.resolve("payment.bin"));
        tampered[tampered.length - 1] ^= 1;
        Path tamperedFile = Files.write(dir.resolve("tampered.bin"), tampered);
        assertTrue(!opensslVerifies(jointPem, tamperedFile, artefacts.resolve("payment.sig")));
        assertTrue(!opensslVerifies(bankPem, artefacts.resolve("payment.bin"), artefacts.resolve("payment.sig")));
    }

    private Path pem(Path rawKey) throws IOException {
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(Files.readAllBytes(rawKey)));
        return Files.writeString(dir.resolve(rawKey.getFileName() + ".pem"),
                "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
    }

    private static boolean opensslVerifies(Path pem, Path data, Path signature) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin",
                    "-in", data.toString(), "-sigfile", signature.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "openssl is not installed");
            return false;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 && output.contains("Signature Verified Successfully");
    }
}
