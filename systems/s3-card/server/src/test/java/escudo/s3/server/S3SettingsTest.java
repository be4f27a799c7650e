package escudo.s3.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3's one key, escudo.merchant.online.limit, as the node resolves it for the feature that declares it. */
class S3SettingsTest {

    @TempDir
    Path dir;

    @Test
    void theOnlineLimitIs100EurosByDefaultAndReadFromTheFile() throws IOException {
        assertEquals(10_000L, NodeConfig.defaults().setting(S3Feature.ONLINE_LIMIT));
        Path file = Files.writeString(dir.resolve("escudo.properties"), "escudo.roles = merchant\nescudo.merchant.online.limit = 2500\n");
        assertEquals(2500L, NodeConfig.load(file, Map.of(), Map.of()).setting(S3Feature.ONLINE_LIMIT));
        assertEquals(2500L, NodeConfig.of(Map.of("escudo.merchant.online.limit", "2_500")).setting(S3Feature.ONLINE_LIMIT));
    }

    @Test
    void aNegativeLimitIsRefusedNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("escudo.properties"), "escudo.merchant.online.limit=-1\n");
        EscudoException e = assertRefused(NodeConfig.INVALID, () -> NodeConfig.load(file, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("escudo.merchant.online.limit (in " + file + ") must be at least 0"), e.getMessage());
    }

    @Test
    void theNodeListsTheKeyAsS3s() {
        assertTrue(NodeConfig.declared().contains(new NodeConfig.Declared("s3", S3Feature.ONLINE_LIMIT)));
    }
}
