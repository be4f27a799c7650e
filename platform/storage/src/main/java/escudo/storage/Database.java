package escudo.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A pooled relational database: H2 (a file, embedded, the default) or PostgreSQL. Several
 * modules share one database; each owns its tables and migrates them with {@link #migrate}.
 *
 * <p>All writes go through {@link #inTransaction} (or {@link #run} for work without a result),
 * which runs the work in one READ COMMITTED transaction and runs it again when the database reports a serialization failure or deadlock,
 * so the work must not have effects outside the database (or must tolerate repetition).
 */
public final class Database implements AutoCloseable {

    /** Runs of one transaction before a contention failure reaches the caller. */
    static final int MAX_ATTEMPTS = 5;

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final ConcurrentMap<String, ReentrantLock> H2_WRITERS = new ConcurrentHashMap<>();

    private final HikariDataSource pool;
    private final boolean postgres;
    private final Runnable afterClose;
    private final ReentrantLock writer;

    private final Set<String> migrated = ConcurrentHashMap.newKeySet();

    private Database(HikariDataSource pool, boolean postgres, Runnable afterClose, ReentrantLock writer) {
        this.pool = pool;
        this.postgres = postgres;
        this.afterClose = afterClose;
        this.writer = writer;
    }

    /**
     * Opens a pool on {@code jdbcUrl}, for example {@code jdbc:h2:file:/var/escudo/issuer} or
     * {@code jdbc:postgresql://db:5432/escudo}. {@code user} and {@code password} may be null
     * when the URL carries them. Fails fast with {@code storage.unavailable} if no connection
     * can be made.
     */
    public static Database open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, () -> { });
    }

    /** {@link #open(String, String, String)}, running {@code afterClose} once the pool is closed (a test drops its schema). */
    public static Database open(String jdbcUrl, String user, String password, Runnable afterClose) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig config = new HikariConfig();
        config.setPoolName("escudo-db-" + POOLS.incrementAndGet());
        config.setJdbcUrl(durable(jdbcUrl));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try {
            boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
            return new Database(new HikariDataSource(config), postgres, afterClose, postgres ? null : writerOf(jdbcUrl));
        } catch (RuntimeException e) {
            // The driver's message names host and user, never the password; the URL may carry one.
            throw new StorageException(StorageException.UNAVAILABLE,
                    "cannot connect to " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /**
     * Applies the migrations under {@code classpath:db/migration/<module>}, recording them in the
     * module's own history table {@code flyway_history_<module>}. Baselining at version 0 lets a
     * module migrate into a schema that other modules' tables already occupy.
     */
    public void migrate(String module) {
        if (!module.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("module name must be lower-case letters, digits, '_': " + module);
        }
        try {
            flyway(module).migrate();
        } catch (FlywayException e) {
            throw new StorageException(StorageException.MIGRATION_FAILED,
                    "migrating " + module + " failed: " + e.getMessage(), e);
        }
        migrated.add(module);
    }

    /**
     * Whether the database answers a valid connection within {@code timeout} (the pool may wait
     * longer for one), and has applied every migration of the modules migrated since it was opened:
     * a node is ready to serve only then. A database that cannot be asked is not.
     */
    public boolean ready(Duration timeout) {
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = pool.getConnection()) {
                if (!connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
                    return false;
                }
                return migrated.stream().allMatch(module -> flyway(module).info().pending().length == 0);
            } catch (SQLException | FlywayException e) {
                return false;
            }
        }, work -> Thread.ofVirtual().name("database-readiness").start(work));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Flyway flyway(String module) {
        return Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration/" + module)
                .table("flyway_history_" + module)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true)
                .load();
    }

    /** Runs {@code work} in one transaction and returns its result; see the class comment. */
    public <T> T inTransaction(Function<Tx, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (RuntimeException | Error e) {
                if (attempt == MAX_ATTEMPTS || !SqlStates.isTransient(e)) {
                    throw e;
                }
            }
            backOff(attempt);
        }
    }

    /** Runs {@code work}, which returns nothing, in one transaction; see the class comment. */
    public void run(Consumer<Tx> work) {
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    private <T> T once(Function<Tx, T> work) {
        if (writer == null) {
            return onConnection(work);
        }
        writer.lock();
        try {
            return onConnection(work);
        } finally {
            writer.unlock();
        }
    }

    private <T> T onConnection(Function<Tx, T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(new Tx(connection, postgres));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Randomised, growing pause so that the transactions that collided do not collide again. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.FAILURE, "interrupted while retrying a transaction", e);
        }
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            afterClose.run();
        }
    }

    /**
     * An H2 file writes its commits in the background by default (WRITE_DELAY, 500 ms), so a process
     * killed after a commit returned could lose it (h2database/h2database#1259); every H2 file is
     * therefore opened with {@code WRITE_DELAY=0} unless its URL sets a delay of its own.
     */
    static String durable(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:file:") || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=")) {
            return jdbcUrl;
        }
        return jdbcUrl + ";WRITE_DELAY=0";
    }

    /**
     * Under concurrent transactions H2 (2.4 and 2.5, READ COMMITTED or not) sometimes loses an update
     * that a row lock should have ordered: a balance stops matching its postings. Its transactions
     * therefore run one at a time, as SQLite's do, with one lock per database however many pools
     * are open on it in this process.
     */
    private static ReentrantLock writerOf(String jdbcUrl) {
        return H2_WRITERS.computeIfAbsent(jdbcUrl.split(";", 2)[0], url -> new ReentrantLock(true));
    }

    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
