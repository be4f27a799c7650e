package escudo.cli;

import escudo.node.KeyVault;
import escudo.testing.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code escudo serve} in a child JVM (bank, merchant and courier on the embedded default) on free
 * ports and a data directory of its own under {@code dir}, with the operator token it wrote there.
 */
record ServedNode(ChildJvm process, URI bank, int bankPort, URI merchant, String token) {

    static ServedNode start(Path dir, Duration readyTimeout) throws IOException {
        int bankPort = freePort();
        int merchantPort = freePort();
        Path data = dir.resolve("node");
        Map<String, String> settings = Map.of("ESCUDO_DATA_DIR", data.toString(),
                "ESCUDO_ISSUER_PORT", String.valueOf(bankPort),
                "ESCUDO_MERCHANT_PORT", String.valueOf(merchantPort),
                "ESCUDO_COURIER_PORT", String.valueOf(freePort()));
        ChildJvm node = ChildJvm.start(Main.class.getName(), List.of("serve"), dir, settings, line -> line.startsWith("data in "), line -> false);
        try {
            node.awaitReady(readyTimeout, "escudo serve listening");
        } catch (RuntimeException | Error e) {
            node.close();
            throw e;
        }
        return new ServedNode(node, URI.create("http://127.0.0.1:" + bankPort), bankPort, URI.create("http://127.0.0.1:" + merchantPort),
                KeyVault.readOperatorToken(data, Map.of()).orElseThrow());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
