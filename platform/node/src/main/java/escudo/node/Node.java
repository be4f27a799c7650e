package escudo.node;

import escudo.node.NodeConfig.Role;
import escudo.node.spi.Feature;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process running the parties its configuration names, each on its own port and database,
 * with every {@link Feature} on the class path. The issuer starts first, so a courier or merchant
 * in the same node can fetch the bank's key and register at its desk (with the operator token of
 * this data directory).
 */
public final class Node implements AutoCloseable {

    /** The order parties start in: the bank first, the shop (which ships with the courier) last. */
    private static final List<Role> START_ORDER = List.of(Role.ISSUER, Role.COURIER, Role.MERCHANT);

    private final Map<Role, PartyNode> parties;

    private Node(Map<Role, PartyNode> parties) {
        this.parties = parties;
    }

    public static Node start(NodeConfig config, Map<String, String> env) {
        KeyVault vault = KeyVault.open(config.dataDir(), env);
        List<Feature> features = PartyNode.installedFeatures();
        Map<Role, PartyNode> started = new EnumMap<>(Role.class);
        List<PartyNode> inOrder = new ArrayList<>();
        try {
            for (Role role : START_ORDER) {
                if (config.runs(role)) {
                    PartyNode party = PartyNode.of(role, config).secrets(vault.secrets(role, config, env)).features(features).start();
                    started.put(role, party);
                    inOrder.add(party);
                }
            }
            return new Node(started);
        } catch (RuntimeException e) {
            for (PartyNode party : inOrder.reversed()) {
                try {
                    party.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public Optional<PartyNode> party(Role role) {
        return Optional.ofNullable(parties.get(role));
    }

    @Override
    public void close() {
        for (Role role : START_ORDER.reversed()) {
            PartyNode party = parties.get(role);
            if (party != null) {
                party.close();
            }
        }
    }

    /** For a party's keys in the vault: the bank's is named {@code issuer}, the others by role and id. */
    static String signingKeyName(Role role, String id) {
        if (role == Role.ISSUER) {
            return "issuer";
        }
        String slug = id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return role.id() + "-" + (slug.length() > 50 ? slug.substring(0, 50) : slug);
    }
}
