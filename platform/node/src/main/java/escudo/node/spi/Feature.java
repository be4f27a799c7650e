package escudo.node.spi;

import java.util.List;

/**
 * What one system (S0-S4), or the bank the systems run on, adds to the parties a node runs: its
 * tables, its services and its routes. A node finds its features with {@link java.util.ServiceLoader}
 * (each module lists its feature in {@code META-INF/services/escudo.node.spi.Feature}) and lets
 * each {@link #join} every party it starts, in {@link #order()}; a feature with nothing to do for a
 * party's role does nothing. The node itself knows no system.
 *
 * <p>A feature's configuration keys are {@link Setting} constants of its own class, listed in
 * {@link #settings()}; it reads their values with {@link Party#setting}.
 */
public interface Feature {

    /** A short name for logs and errors: {@code bank}, {@code s0}, {@code s2}, {@code s3}. */
    String name();

    /** Features join in ascending order; the bank (0) comes before the systems (100) that use it. */
    default int order() {
        return 100;
    }

    /** The keys this feature reads; the node refuses a key in its file that no module declares. */
    default List<Setting<?>> settings() {
        return List.of();
    }

    /** Adds this feature's part to {@code party}, which is being started and does not serve yet. */
    void join(Party party);
}
