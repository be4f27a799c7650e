package escudo.cli;

import escudo.node.Node;
import escudo.node.NodeConfig;
import escudo.node.spi.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The node itself: {@code escudo serve}, {@code escudo config} and {@code escudo demo}. */
final class NodeCommands {

    private NodeCommands() {}

    @Command(name = "serve", description = "Run the roles of the configuration (issuer, merchant and courier by default) until stopped.")
    static final class Serve extends Action {

        @Mixin
        Options.Config config;

        /**
         * Runs until the process is stopped; the shutdown hook closes servers and databases cleanly.
         * Every request a party serves is one JSON line on standard output ({@link RequestLog}).
         */
        @Override
        void run() {
            NodeConfig settings = config.get();
            Node node = Node.start(settings, System.getenv());
            RequestLog.to(out()); // for as long as the process runs
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "escudo-shutdown"));
            for (NodeConfig.Role role : NodeConfig.Role.values()) {
                node.party(role).ifPresent(p -> out().println(role.id() + " " + p.id() + " listening on " + p.uri()));
            }
            out().println("data in " + settings.dataDir().toAbsolutePath() + "; Ctrl-C stops");
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "config", description = {"Print every setting the node and its installed systems read, as a Markdown table.",
            "Keys go in escudo.properties, or as ESCUDO_* variables or system properties; docs/configuration.md holds this table."})
    static final class ConfigTable extends Action {

        @Override
        void run() {
            out().print(markdown(NodeConfig.declared()));
        }

        /** One row per setting: key, environment variable, default, description, owner. */
        static String markdown(List<NodeConfig.Declared> settings) {
            StringBuilder table = new StringBuilder("| Key | Environment variable | Default | Description | Owner |\n")
                    .append("|-----|----------------------|---------|-------------|-------|\n");
            for (NodeConfig.Declared declared : settings) {
                Setting<?> setting = declared.setting();
                String shown = setting.secret() || setting.shownDefault().isEmpty() ? setting.shownDefault()
                        : "`" + setting.shownDefault() + "`";
                table.append("| `").append(setting.key()).append("` | `").append(setting.environmentVariable()).append("` | ")
                        .append(shown).append(" | ").append(setting.description().replace("|", "\\|")).append(" | ")
                        .append(declared.owner()).append(" |\n");
            }
            return table.toString();
        }
    }

    @Command(name = "demo", description = {"Tell the S0, S1, S2, S3 and S4 story step by step on the embedded default.",
            "A bank, three merchants and a courier, each on its own port and H2 database; exits 0 only if every step behaved."})
    static final class DemoCommand extends Action {

        @Option(names = "--out", paramLabel = "DIR", description = "Write the artefacts of one offline payment here, for openssl.")
        Path artefacts;

        @Option(names = "--data", paramLabel = "DIR", description = "The nodes' data (default: a new temporary directory).")
        Path data;

        @Override
        void run() {
            new Demo(out(), data != null ? data : tempDir(), artefacts).run();
        }

        private static Path tempDir() {
            try {
                return Files.createTempDirectory("escudo-demo");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
