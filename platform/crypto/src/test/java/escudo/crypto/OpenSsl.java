package escudo.crypto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/** Verifies Ed25519 signatures and computes HKDF and HMAC with the openssl command line: an implementation that is not ours. */
final class OpenSsl {

    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private OpenSsl() {
    }

    static boolean verifies(byte[] publicKey, byte[] message, byte[] signature) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("escudo-openssl");
        byte[] spki = new byte[SPKI_PREFIX.length + publicKey.length];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, publicKey.length);
        Files.writeString(dir.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        Files.write(dir.resolve("msg.bin"), message);
        Files.write(dir.resolve("msg.sig"), signature);
        Process process;
        try {
            process = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem",
                    "-rawin", "-in", "msg.bin", "-sigfile", "msg.sig")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "openssl is not installed");
            return false;
        }
        String output = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        return exit == 0 && output.contains("Signature Verified Successfully");
    }

    /** What {@code openssl <args>} prints, as one line of upper-case hex without colons; {@code input} on its standard input. */
    static String hex(byte[] input, String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl"));
        command.addAll(java.util.List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "openssl is not installed");
            return null;
        }
        try (var stdin = process.getOutputStream()) {
            stdin.write(input);
        }
        String output = new String(process.getInputStream().readAllBytes()).strip();
        if (process.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
        return output.replace(":", "").toUpperCase(java.util.Locale.ROOT);
    }
}
