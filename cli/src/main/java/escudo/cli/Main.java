package escudo.cli;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code escudo} command, on picocli (the commands are in {@link Escudo}). Exit codes: 0 done,
 * 1 failure on our side, 2 refused or bad usage. A refusal or a usage error is one line on stderr,
 * {@code refused [code]: reason}; a usage error adds a line saying where the help is.
 */
public final class Main {

    /** The command line names no command or option Escudo has, or a value it cannot take. */
    static final ErrorCode USAGE = ErrorCode.declare("cli.usage", Kind.INVALID);

    private static final int REFUSED = 2;
    private static final int FAILED = 1;

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        // Library chatter (Helidon, Flyway, HikariCP) stays out of a person's terminal unless asked for.
        if (System.getenv("ESCUDO_LOG") == null) {
            Logger.getLogger("").setLevel(Level.WARNING);
            for (var handler : Logger.getLogger("").getHandlers()) {
                handler.setLevel(Level.WARNING);
            }
            // Flyway warns that H2 2.4 is newer than it was verified with; our migrations are tested on it.
            FLYWAY_LOG.setLevel(Level.SEVERE);
        }
        System.exit(new Main(System.out, System.err).run(argv));
    }

    int run(String[] argv) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, out.charset()), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, err.charset()), true);
        try {
            return commandLine().setOut(outWriter).setErr(errWriter).execute(argv);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The whole command tree, with Escudo's converters and its way of reporting errors. */
    static CommandLine commandLine() {
        return Converters.registerAll(new CommandLine(new Escudo()))
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::failure);
    }

    private static int usageError(ParameterException e, String[] argv) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(refusal(e));
        err.println("run '" + command.getCommandSpec().qualifiedName() + " --help' for "
                + (command.getSubcommands().isEmpty() ? "its options" : "the commands"));
        return REFUSED;
    }

    private static String refusal(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            String first = unmatched.getUnmatched().getFirst();
            if (first.startsWith("-")) {
                return "refused [" + USAGE + "]: unknown option: " + first;
            }
            return "refused [" + USAGE + "]: " + (e.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument '" : "unknown command '")
                    + first + "'";
        }
        // A converter that refused in Escudo's own words (Money.parse) keeps its code.
        if (e.getCause() instanceof EscudoException refused) {
            String what = e.getArgSpec() instanceof OptionSpec option ? "option '" + option.longestName() + "'" : "'" + e.getValue() + "'";
            return "refused [" + refused.code() + "]: invalid value for " + what + ": " + refused.getMessage();
        }
        // picocli starts what it says of option groups with "Error: "; the line already says it is a refusal
        return "refused [" + USAGE + "]: " + e.getMessage().replaceFirst("^Error: ", "");
    }

    private static int failure(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        return switch (e) {
            case EscudoException refused -> {
                err.println("refused [" + refused.code() + "]: " + refused.getMessage());
                yield refused.kind() == Kind.INTERNAL ? FAILED : REFUSED;
            }
            case Demo.DemoFailure demo -> {
                err.println("demo failed: " + demo.getMessage());
                yield FAILED;
            }
            default -> {
                err.println("failed: " + e);
                yield FAILED;
            }
        };
    }
}
