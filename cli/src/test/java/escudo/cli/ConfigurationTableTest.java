package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.node.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code escudo config}: the one table of settings, which docs/configuration.md must hold as generated. */
class ConfigurationTableTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    private static String escudoConfig() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"config"});
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyDeclaredSettingHasARowNamingItsVariableDefaultAndOwner() {
        String table = escudoConfig();
        assertEquals(NodeConfig.declared().size() + 2, table.lines().count(), "a header, a rule and one row per setting");
        assertTrue(table.startsWith("| Key | Environment variable | Default | Description | Owner |\n"), table);
        assertTrue(table.contains("| `escudo.issuer.port` | `ESCUDO_ISSUER_PORT` | `7410` | The port the issuer listens on"), table);
        assertTrue(table.contains("| `escudo.issuer.jdbc.password` | `ESCUDO_ISSUER_JDBC_PASSWORD` | (empty) |"), table);
        assertTrue(table.contains("| `escudo.order.keys` | `ESCUDO_ORDER_KEYS` | `directory` |"), table);
        assertTrue(table.contains(" One of: directory or blom. | s2 |\n"), table);
        assertTrue(table.contains("| `escudo.merchant.online.limit` | `ESCUDO_MERCHANT_ONLINE_LIMIT` | `10000` |"), table);
        assertTrue(table.lines().filter(line -> line.startsWith("| `escudo.merchant.online.limit`")).allMatch(l -> l.endsWith("| s3 |")));
    }

    @Test
    void theDocumentHoldsExactlyTheGeneratedTable() throws IOException {
        String documented = Files.readAllLines(DOC).stream().filter(line -> line.startsWith("|"))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(escudoConfig(), documented, DOC + " differs from 'escudo config': paste its output into the document");
    }
}
