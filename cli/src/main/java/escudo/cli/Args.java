package escudo.cli;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Command-line words and {@code --name value} options; every option given must be used. */
final class Args {

    /** The command line does not say a known command with its arguments; the usage is shown. */
    static final ErrorCode USAGE = ErrorCode.declare("cli.usage", Kind.INVALID);

    private final List<String> words = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    Args(String[] argv, Set<String> flags) {
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                if (flags.contains(name)) {
                    options.put(name, "true");
                } else if (i + 1 < argv.length) {
                    options.put(name, argv[++i]);
                } else {
                    throw usage("--" + name + " needs a value");
                }
            } else {
                words.add(arg);
            }
        }
    }

    String word(int index) {
        return index < words.size() ? words.get(index) : "";
    }

    int wordCount() {
        return words.size();
    }

    String required(String name) {
        return optional(name).orElseThrow(() -> usage("--" + name + " is required"));
    }

    Optional<String> optional(String name) {
        used.add(name);
        return Optional.ofNullable(options.get(name));
    }

    boolean flag(String name) {
        used.add(name);
        return options.containsKey(name);
    }

    /** Refuses options the command did not read: a typo must not be silently ignored. */
    void requireAllUsed() {
        Set<String> unknown = new HashSet<>(options.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw usage("unknown option" + (unknown.size() > 1 ? "s" : "") + ": --" + String.join(", --", unknown));
        }
    }

    static EscudoException usage(String message) {
        return new EscudoException(USAGE, message);
    }
}
