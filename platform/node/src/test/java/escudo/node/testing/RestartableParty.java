package escudo.node.testing;

import escudo.http.PartyClient;
import escudo.node.PartyNode;
import escudo.storage.Database;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A party a test stops and starts again, as a crash and restart or a redeploy would: each start
 * comes from {@code starter}, which opens the party's durable database afresh (such as
 * {@link #durableDatabase}) and gives it the same secrets as before. The restarted server listens
 * on a new port, so the other parties reach it through a {@link FaultProxy} whose upstream is
 * {@link #uri()}.
 */
public final class RestartableParty implements AutoCloseable {

    private final Supplier<PartyNode> starter;
    private volatile PartyNode node;
    private int restarts;
    private PartyClient desk;
    private int deskOf = -1;

    private RestartableParty(Supplier<PartyNode> starter, PartyNode node) {
        this.starter = starter;
        this.node = node;
    }

    public static RestartableParty start(Supplier<PartyNode> starter) {
        Objects.requireNonNull(starter, "starter");
        return new RestartableParty(starter, starter.get());
    }

    /** An embedded H2 file at {@code file} (the default's settings), which outlives the party that closes it. */
    public static Database durableDatabase(Path file) {
        return Database.open("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "");
    }

    /** The party as it runs now; another object after each restart. */
    public PartyNode node() {
        return node;
    }

    public URI uri() {
        return node.uri();
    }

    /** Stops the party (its server, jobs and database) and starts it again. */
    public synchronized void restart() {
        node.close();
        node = starter.get();
        restarts++;
    }

    public synchronized int restarts() {
        return restarts;
    }

    /** A client with the party's operator token, straight to it (no proxy); a new one after each restart, whose port changed. */
    public synchronized PartyClient desk() {
        if (deskOf != restarts) {
            if (desk != null) {
                desk.close();
            }
            desk = new PartyClient(node.uri(), node.operatorToken());
            deskOf = restarts;
        }
        return desk;
    }

    @Override
    public synchronized void close() {
        Resources.closeAll(desk, node);
    }
}
