package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.node.Node;
import escudo.node.NodeConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S2 in Blom mode, configured as an operator would: shares issued by the CLI, nodes with escudo.order.keys=blom. */
class BlomCommandLineTest {

    @TempDir
    Path dir;
    private String out;
    private String err;

    @Test
    void sharesIssuedOnceServeASplitOrderWithoutAnyKeyDirectory() throws IOException {
        Path config = Files.writeString(dir.resolve("escudo.properties"), String.join("\n",
                "escudo.data.dir=" + dir.resolve("node"),
                "escudo.issuer.port=" + freePort(),
                "escudo.merchant.port=" + freePort(),
                "escudo.courier.port=" + freePort(),
                "escudo.merchant.id=corner-shop",
                "escudo.order.keys=blom"));
        assertEquals(0, escudo(config, "blom", "issue", "--k", "4", "--parties", "escudo-bank,corner-shop,escudo-courier",
                "--shoppers", "alice"), err);
        assertTrue(out.contains("any 5 shares together would recover it"), out);
        assertTrue(Files.exists(dir.resolve("node/blom/corner-shop.share")) && Files.exists(dir.resolve("holders/alice/blom.share")));
        assertEquals(2, escudo(config, "blom", "issue", "--k", "4", "--parties", "corner-shop"), "shares are issued once");
        assertTrue(err.contains("already exists"), err);

        try (Node node = Node.start(NodeConfig.load(config, Map.of(), Map.of()), Map.of())) {
            assertEquals(0, escudo(config, "merchant", "register"), err);
            assertEquals(0, escudo(config, "customer", "open", "--id", "alice", "--name", "Alice", "--deposit", "50.00 EUR"), err);
            assertEquals(0, escudo(config, "payment-card", "issue", "--customer", "alice"), err);
            Matcher card = Pattern.compile("payment card (\\d{16}) valid through (\\d\\d/\\d\\d)").matcher(out);
            assertTrue(card.find(), out);
            // no 'shopper enrol': Alice's share is all she needs, and nobody is in the key directory
            assertEquals(0, escudo(config, "shop", "order", "--holder", "alice", "--items", "kettle:1", "--card-number", card.group(1),
                    "--expiry", card.group(2), "--contact", "Alice", "--destination", "Plaza Mayor 2, Madrid"), err);
            Matcher placed = Pattern.compile("order (ORD-\\S+) at corner-shop: DISPATCHED, 39.90 EUR, authorisation \\S+,"
                    + " tracking (TRK-\\S+)").matcher(out);
            assertTrue(placed.find(), out);
            assertEquals(0, escudo(config, "customer", "show", "--id", "alice"), err);
            assertTrue(out.contains("50.00 EUR"), "held, not paid: " + out);
            assertEquals(0, escudo(config, "shop", "status", "--holder", "alice", "--order", placed.group(1)), err);
            assertTrue(out.contains("DISPATCHED"), out);
            assertEquals(0, escudo(config, "courier", "advance", "--tracking", placed.group(2), "--state", "picked_up"), err);
            assertEquals(0, escudo(config, "shop", "status", "--holder", "alice", "--order", placed.group(1)), err);
            assertEquals(0, escudo(config, "customer", "show", "--id", "alice"), err);
            assertTrue(out.contains("10.10 EUR"), "captured once the courier had the parcel: " + out);
            // a second kettle is more than Alice has left: declined, nothing moves
            assertEquals(2, escudo(config, "shop", "order", "--holder", "alice", "--items", "kettle:1", "--card-number",
                    card.group(1), "--expiry", card.group(2), "--contact", "Alice", "--destination", "Plaza Mayor 2, Madrid"));
            assertTrue(err.contains("refused [order.insufficient-funds]"), err);
        }
    }

    private int escudo(Path config, String... words) {
        String[] common = {"--config", config.toString(), "--holders", dir.resolve("holders").toString()};
        CliRun run = CliRun.of(words, common);
        out = run.out();
        err = run.err();
        return run.exit();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
