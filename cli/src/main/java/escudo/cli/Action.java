package escudo.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that does something: picocli fills its options, then {@link #run()} says what happened on {@link #out()}. */
abstract class Action implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Refusals are {@link escudo.core.EscudoException}s; {@link Main} turns them into a message and exit code 2. */
    abstract void run();

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private int exitCode;

    /** For a command whose outcome is neither done nor refused (nothing came in time): its own exit code. */
    final void exitWith(int code) {
        exitCode = code;
    }

    @Override
    public final Integer call() {
        run();
        return exitCode;
    }
}
