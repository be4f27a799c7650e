package escudo.ledger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Money;
import escudo.ledger.testing.LedgerAudit;
import escudo.storage.Database;
import escudo.testing.ChildJvm;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process in the middle of making transfers, hard (SIGKILL on Linux: no shutdown hooks,
 * no rollback by the client, and for embedded H2 no orderly close of the database file), and
 * checks that the ledger it leaves behind neither created nor lost money, nor lost a transfer
 * whose commit the child saw return.
 *
 * <p>The database is the embedded default, an H2 file in a temporary directory, or, when
 * {@code escudo.test.jdbcUrl} names a PostgreSQL database, a fresh schema there, dropped at the
 * end. The child process is {@link CrashWorker}, started as a {@link ChildJvm}. Each
 * run kills it {@value #DEFAULT_CRASHES} times; {@code -D}{@value #CRASHES_PROPERTY}{@code =20}
 * kills it more often (docs/reliability.md has the figures).
 */
class LedgerCrashTest {

    static final String CRASHES_PROPERTY = "escudo.test.crashes";
    static final int DEFAULT_CRASHES = 3;

    private static final Currency EUR = Money.currency("EUR");
    private static final int CRASHES = Integer.getInteger(CRASHES_PROPERTY, DEFAULT_CRASHES);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60); // a busy machine commits to an H2 file slowly
    private static final long WORK_AFTER_READY_MILLIS = 300;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killingTheProcessMidTransferNeitherCreatesNorLosesMoney() throws Exception {
        Target target = TestDatabase.external() ? Target.postgresSchema() : Target.h2File(dir.resolve("crash"));
        try {
            List<String> accounts = List.of("bank:external", "alice", "bob", "carol:card", "dave:card", "erin");
            Map<Currency, Long> totals;
            try (Database db = target.open()) {
                Ledger ledger = new Ledger(db);
                ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", EUR, Ledger.UNLIMITED);
                ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Alice", EUR, 0);
                ledger.open("bob", AccountKind.CUSTOMER_CURRENT, "Bob", EUR, 0);
                ledger.open("carol:card", AccountKind.CARD, "Carol", EUR, 50_00);
                ledger.open("dave:card", AccountKind.CARD, "Dave", EUR, 200_00);
                ledger.open("erin", AccountKind.CUSTOMER_CURRENT, "Erin", EUR, 0);
                for (String id : accounts.subList(1, accounts.size())) {
                    ledger.transfer(new TransferRequest("fund-" + id, "bank:external", id, Money.of(100_00, "EUR"), "funding"));
                }
                totals = ledger.totals();
                assertEquals(Map.of(EUR, 0L), totals);
            }

            long transfers = accounts.size() - 1;
            for (int crash = 1; crash <= CRASHES; crash++) {
                String prefix = "crash" + crash + "-";
                long reported = runAndKill(target, prefix, accounts);
                try (Database db = target.open()) {
                    Ledger ledger = new Ledger(db);
                    long now = count(db, "SELECT COUNT(*) FROM ledger_transfers");
                    long made = count(db, "SELECT COUNT(*) FROM ledger_transfers WHERE id LIKE '" + prefix + "%'");
                    long before = transfers;
                    assertAll("after crash " + crash + " (the child reported " + reported + " transfers committed, "
                                    + made + " are recorded)",
                            () -> assertEquals(totals, ledger.totals(), "the totals per currency changed"),
                            () -> assertEquals(List.of(), LedgerAudit.accountsBeyondTheirLimit(db), "accounts beyond their credit limit"),
                            () -> assertEquals(List.of(), LedgerAudit.accountsOutOfStepWithTheirPostings(db), "balances out of step with postings"),
                            () -> assertEquals(List.of(), LedgerAudit.transfersNotPostedExactlyOnceEachWay(db), "transfers not posted as a debit and a credit"),
                            () -> assertEquals(before + made, now, "transfers of earlier runs changed"),
                            () -> assertTrue(reported > CrashWorker.READY_AFTER, "too little work before the kill"),
                            () -> assertTrue(made > 0, "no transfer of the run was recorded"),
                            () -> assertTrue(made >= reported, "committed transfers were lost"));
                    transfers = now;
                }
            }
        } finally {
            target.drop();
        }
    }

    /**
     * Runs a {@link CrashWorker} until it has done real work, kills it and waits for it to die.
     * Returns the number of transfers it last reported committed.
     */
    private static long runAndKill(Target target, String prefix, List<String> accounts) throws Exception {
        List<String> args = new ArrayList<>(List.of(target.url(), target.user() == null ? "" : target.user(),
                target.password() == null ? "" : target.password(), prefix));
        args.addAll(accounts);
        AtomicLong reported = new AtomicLong();
        try (ChildJvm child = ChildJvm.start(CrashWorker.class.getName(), args, Path.of("."), Map.of(), CrashWorker.READY::equals,
                line -> {
                    if (!line.startsWith(CrashWorker.COMMITTED)) {
                        return false;
                    }
                    reported.accumulateAndGet(Long.parseLong(line.substring(CrashWorker.COMMITTED.length())), Math::max);
                    return true;
                })) {
            child.awaitReady(READY_TIMEOUT, CrashWorker.READY_AFTER + " transfers made");
            Thread.sleep(WORK_AFTER_READY_MILLIS);
            child.assertAlive();
            child.kill();
        }
        return reported.get();
    }

    private static long count(Database db, String sql) {
        return db.inTransaction(tx -> tx.queryOne(sql, row -> row.getLong(1)).orElseThrow());
    }

    /**
     * Where the test's database lives. Unlike {@link TestDatabase#create()}, it must survive its
     * pool being closed and be reachable from another process: an H2 file, or a PostgreSQL schema
     * made the same way TestDatabase makes one, whose name the child is given in its URL.
     */
    private record Target(String url, String user, String password, String adminUrl, String schema) {

        /** The URL the node uses by default. */
        static Target h2File(Path file) {
            return new Target("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", null, null);
        }

        static Target postgresSchema() {
            String url = System.getProperty(TestDatabase.URL_PROPERTY).trim();
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
            execute(url, "CREATE SCHEMA " + schema);
            String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            return new Target(schemaUrl, null, null, url, schema);
        }

        Database open() {
            return Database.open(url, user, password);
        }

        /** Drops the PostgreSQL schema; the H2 file goes with the temporary directory. */
        void drop() {
            if (schema != null) {
                execute(adminUrl, "DROP SCHEMA " + schema + " CASCADE");
            }
        }

        private static void execute(String url, String sql) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("test database: " + sql + " failed", e);
            }
        }
    }
}
