package escudo.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only gathers subcommands ({@code escudo card}): given alone, it is a usage error that names them. */
abstract class Group implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        throw new ParameterException(spec.commandLine(),
                "'" + spec.qualifiedName() + "' needs a command: " + String.join(", ", spec.subcommands().keySet()));
    }
}
