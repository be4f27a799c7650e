package escudo.ledger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import escudo.core.Money;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * end. The child process is {@link CrashWorker}, started with this JVM's java and class path. Each
 * run kills it {@value #DEFAULT_CRASHES} times; {@code -D}{@value #CRASHES_PROPERTY}{@code =20}
 * kills it more often (docs/reliability.md has the figures).
 */
class LedgerCrashTest {

    static final String CRASHES_PROPERTY = "escudo.test.crashes";
    static final int DEFAULT_CRASHES = 3;

    private static final Currency EUR = Money.currency("EUR");
    private static final int CRASHES = Integer.getInteger(CRASHES_PROPERTY, DEFAULT_CRASHES);
    private static final long READY_TIMEOUT_SECONDS = 60; // a busy machine commits to an H2 file slowly
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
                            () -> assertEquals(List.of(), accountsBeyondTheirLimit(db), "accounts beyond their credit limit"),
                            () -> assertEquals(List.of(), accountsOutOfStepWithTheirPostings(db), "balances out of step with postings"),
                            () -> assertEquals(List.of(), transfersNotPostedExactlyOnceEachWay(db), "transfers not posted as a debit and a credit"),
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
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command")));
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(),
                target.url(), target.user() == null ? "" : target.user(), target.password() == null ? "" : target.password(), prefix));
        command.addAll(accounts);

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        ConcurrentLinkedDeque<String> output = new ConcurrentLinkedDeque<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        AtomicLong reported = new AtomicLong();
        Thread reader = new Thread(() -> read(child, output, ready, reported), "crash-worker-output");
        reader.setDaemon(true);
        reader.start();
        try {
            try {
                ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("the child made no " + CrashWorker.READY_AFTER + " transfers in " + READY_TIMEOUT_SECONDS + " s:\n" + tail(output));
            } catch (Exception e) {
                fail("the child stopped before it was ready:\n" + tail(output), e);
            }
            Thread.sleep(WORK_AFTER_READY_MILLIS);
            if (!child.isAlive()) {
                fail("the child stopped by itself with exit code " + child.exitValue() + ":\n" + tail(output));
            }
        } finally {
            child.destroyForcibly();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                fail("the child did not die within 20 s of being killed");
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        return reported.get();
    }

    private static void read(Process child, ConcurrentLinkedDeque<String> output, CompletableFuture<Void> ready, AtomicLong reported) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.equals(CrashWorker.READY)) {
                    ready.complete(null);
                } else if (line.startsWith(CrashWorker.COMMITTED)) {
                    reported.accumulateAndGet(Long.parseLong(line.substring(CrashWorker.COMMITTED.length())), Math::max);
                    continue;
                }
                output.add(line);
                while (output.size() > 200) {
                    output.pollFirst();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The pipe breaks when the child is killed.
        }
        ready.completeExceptionally(new IllegalStateException("the child's output ended"));
    }

    private static String tail(ConcurrentLinkedDeque<String> output) {
        return String.join("\n", output);
    }

    private static List<String> accountsBeyondTheirLimit(Database db) {
        return db.inTransaction(tx -> tx.query(
                "SELECT id, balance, credit_limit FROM ledger_accounts WHERE balance < -credit_limit ORDER BY id",
                row -> row.getString("id") + " balance " + row.getLong("balance") + " limit " + row.getLong("credit_limit")));
    }

    /**
     * Accounts whose balance is not the sum of their postings, or whose postings, in order, do
     * not each leave the balance they record.
     */
    private static List<String> accountsOutOfStepWithTheirPostings(Database db) {
        return db.inTransaction(tx -> {
            List<String> wrong = new ArrayList<>(tx.query("""
                    SELECT a.id, a.balance, COALESCE(SUM(p.amount), 0) AS posted
                    FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
                    GROUP BY a.id, a.balance
                    HAVING a.balance <> COALESCE(SUM(p.amount), 0)
                    ORDER BY a.id""",
                    row -> row.getString("id") + " balance " + row.getLong("balance") + " but postings sum to " + row.getLong("posted")));
            String[] account = {null};
            long[] running = {0};
            tx.query("SELECT seq, account_id, amount, balance_after FROM ledger_postings ORDER BY account_id, seq", row -> {
                if (!row.getString("account_id").equals(account[0])) {
                    account[0] = row.getString("account_id");
                    running[0] = 0;
                }
                running[0] += row.getLong("amount");
                if (running[0] != row.getLong("balance_after")) {
                    wrong.add(account[0] + " posting " + row.getLong("seq") + " records balance " + row.getLong("balance_after")
                            + " but its history sums to " + running[0]);
                }
                return null;
            });
            return wrong;
        });
    }

    /** Transfers other than one debit of the amount from the payer and one credit to the payee. */
    private static List<String> transfersNotPostedExactlyOnceEachWay(Database db) {
        return db.inTransaction(tx -> tx.query("""
                SELECT t.id, COUNT(p.seq) AS postings, COALESCE(SUM(p.amount), 0) AS net,
                       SUM(CASE WHEN p.account_id = t.from_account AND p.amount = -t.amount THEN 1 ELSE 0 END) AS debits,
                       SUM(CASE WHEN p.account_id = t.to_account AND p.amount = t.amount THEN 1 ELSE 0 END) AS credits
                FROM ledger_transfers t LEFT JOIN ledger_postings p ON p.transfer_id = t.id
                GROUP BY t.id
                HAVING COUNT(p.seq) <> 2 OR COALESCE(SUM(p.amount), 0) <> 0
                    OR SUM(CASE WHEN p.account_id = t.from_account AND p.amount = -t.amount THEN 1 ELSE 0 END) <> 1
                    OR SUM(CASE WHEN p.account_id = t.to_account AND p.amount = t.amount THEN 1 ELSE 0 END) <> 1
                ORDER BY t.id""",
                row -> row.getString("id") + ": " + row.getLong("postings") + " postings, net " + row.getLong("net")
                        + ", " + row.getLong("debits") + " debits, " + row.getLong("credits") + " credits"));
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
