package escudo.s2.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.node.NodeConfig;
import escudo.s2.server.S2Feature.OrderKeyMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** S2's one key, escudo.order.keys, as the node resolves it for the feature that declares it. */
class S2SettingsTest {

    @Test
    void orderKeysAreDirectoryByDefaultAndBlomInAnyCase() {
        assertEquals(OrderKeyMode.DIRECTORY, NodeConfig.defaults().setting(S2Feature.ORDER_KEYS));
        assertEquals(OrderKeyMode.BLOM,
                NodeConfig.load(null, Map.of("ESCUDO_ORDER_KEYS", "Blom"), Map.of()).setting(S2Feature.ORDER_KEYS));
        assertEquals(OrderKeyMode.BLOM, NodeConfig.of(Map.of("escudo.order.keys", "blom")).setting(S2Feature.ORDER_KEYS));
    }

    @Test
    void anotherModeIsRefusedNamingItsSource() {
        EscudoException mode = assertRefused(NodeConfig.INVALID,
                () -> NodeConfig.load(null, Map.of("ESCUDO_ORDER_KEYS", "rsa"), Map.of()));
        assertTrue(mode.getMessage().contains("escudo.order.keys (environment variable ESCUDO_ORDER_KEYS) is directory or blom"),
                mode.getMessage());
    }

    @Test
    void theNodeListsTheKeyAsS2s() {
        assertTrue(NodeConfig.declared().contains(new NodeConfig.Declared("s2", S2Feature.ORDER_KEYS)));
    }
}
