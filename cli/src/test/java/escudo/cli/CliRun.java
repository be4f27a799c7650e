package escudo.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the command line in this process: its exit status and what it printed on each stream. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(argv);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code words} followed by {@code common}: the options every call of a test repeats. */
    static CliRun of(String[] words, String... common) {
        String[] argv = new String[words.length + common.length];
        System.arraycopy(words, 0, argv, 0, words.length);
        System.arraycopy(common, 0, argv, words.length, common.length);
        return of(argv);
    }
}
