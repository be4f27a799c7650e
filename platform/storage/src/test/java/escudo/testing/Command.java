package escudo.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An independent tool the tests cross-check with (openssl), run in a directory; skipped where it is not installed. */
public record Command(int exit, String output) {

    public static Command run(Path dir, String... command) {
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, command[0] + " is not installed (.ci/run installs it)");
            throw new AssertionError(e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Command(process.exitValue(), output);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(String.join(" ", command) + " failed", e);
        }
    }
}
