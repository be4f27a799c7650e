package escudo.node.spi;

import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.http.RateLimit;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRules;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A party being started (the bank, a merchant, a courier), as the features see it: who it is,
 * its database and secrets, the node's configuration, the services features share within the
 * party, and the routes it will serve. Features {@link #provide} what other features of the same
 * party may {@link #require} (the bank provides {@code Bank} on the issuer, a {@code RemoteBank}
 * elsewhere), so they never reach into each other's modules.
 */
public interface Party {

    Role role();

    /** The party's identifier: the bank id, the merchant's S_id, the courier's S2 identifier. */
    String id();

    /** The node's own settings: its data directory, and where each role listens and is reached. */
    NodeConfig config();

    /** The value of a setting a feature declares in {@link Feature#settings()}. */
    default <T> T setting(Setting<T> setting) {
        return config().setting(setting);
    }

    Database db();

    Clock clock();

    Secrets secrets();

    /** Makes {@code service} available to the features that join after this one. */
    <T> void provide(Class<T> type, T service);

    <T> Optional<T> find(Class<T> type);

    /** The service of that type, or an {@link IllegalStateException} naming what is missing. */
    default <T> T require(Class<T> type) {
        return find(type).orElseThrow(() -> new IllegalStateException(
                "the " + role().id() + " " + id() + " has no " + type.getSimpleName() + "; which feature provides it?"));
    }

    /**
     * The limit on the party's open endpoints that create rows: a route calls
     * {@link RateLimit#admit} first. One token bucket per client address, shared by all of those
     * routes, sized by {@code escudo.rate.limit} and {@code escudo.rate.burst}, timed by {@link #clock()}.
     */
    RateLimit rateLimit();

    /** Adds routes to what the party serves; every path starts with the role's prefix ({@code /issuer}, ...). */
    void routes(Consumer<HttpRules> routes);

    /**
     * Runs {@code job} every {@code period} while the party runs, the first time one period after it
     * starts; a failure is logged and the job runs again at its next time. Jobs run one at a time.
     */
    void every(Duration period, String name, Runnable job);

    /** Closed when the party stops, in reverse order of registration (after its server, before its database). */
    void onClose(AutoCloseable resource);
}
