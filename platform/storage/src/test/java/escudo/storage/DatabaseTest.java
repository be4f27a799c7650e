package escudo.storage;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import escudo.core.EscudoException;
import escudo.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        db.migrate("storagetest_a");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void commitsTheWorkAndReturnsItsResult() {
        int inserted = db.inTransaction(tx -> tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "hello"));
        assertEquals(1, inserted);
        assertEquals(Optional.of("hello"), text("n1"));
    }

    @Test
    void rollsBackEverythingWhenTheWorkThrows() {
        assertThrows(IllegalStateException.class, () -> db.inTransaction(tx -> {
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "hello");
            throw new IllegalStateException("boom");
        }));
        assertEquals(Optional.empty(), text("n1"));
    }

    @Test
    void retriesTheWholeTransactionAfterASerializationFailure() {
        AtomicInteger attempts = new AtomicInteger();
        db.run(tx -> {
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "attempt " + attempts.incrementAndGet());
            if (attempts.get() == 1) {
                throw StorageException.of(new SQLException("could not serialize access", "40001"));
            }
        });
        assertEquals(2, attempts.get());
        assertEquals(Optional.of("attempt 2"), text("n1"));
    }

    @Test
    void givesUpWithContentionAfterTheLastAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        StorageException e = assertThrows(StorageException.class, () -> db.inTransaction(tx -> {
            attempts.incrementAndGet();
            throw StorageException.of(new SQLException("deadlock detected", "40P01"));
        }));
        assertEquals(StorageException.CONTENTION, e.code());
        assertEquals(Database.MAX_ATTEMPTS, attempts.get());
    }

    @Test
    void neverRetriesOtherFailures() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(IllegalArgumentException.class, () -> db.inTransaction(tx -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("not transient");
        }));
        assertEquals(1, attempts.get());
    }

    @Test
    void aRealDeadlockIsResolvedByRetryingTheLoser() throws Exception {
        assumeTrue(db.isPostgres(), "H2's transactions run one at a time, so they cannot deadlock");
        CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> incrementBoth(1, 2, bothHoldOneRow, attempts)),
                    pool.submit(() -> incrementBoth(2, 1, bothHoldOneRow, attempts)));
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(2L, 2L), db.inTransaction(tx -> tx.query(
                "SELECT n FROM storagetest_counter ORDER BY id", row -> row.getLong(1))));
        assertTrue(attempts.get() >= 3, "one of the two transactions must have been run again");
    }

    @Test
    void transactionsOnAnH2FileRunOneAtATimeAcrossEveryPoolOnIt(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("serial") + ";DB_CLOSE_ON_EXIT=FALSE";
        try (Database first = Database.open(url, "sa", ""); Database second = Database.open(url, "sa", "")) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Database db = t % 2 == 0 ? first : second;
                    runs.add(threads.submit(() -> {
                        for (int i = 0; i < 5; i++) {
                            db.run(tx -> {
                                if (inside.incrementAndGet() > 1) {
                                    overlaps.incrementAndGet();
                                }
                                sleep(20);
                                inside.decrementAndGet();
                            });
                        }
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertEquals(0, overlaps.get(), "transactions that overlapped");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anH2FileIsOpenedWithItsCommitsWrittenAtOnce() {
        assertEquals("jdbc:h2:file:/d/x;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", Database.durable("jdbc:h2:file:/d/x;DB_CLOSE_ON_EXIT=FALSE"));
        assertEquals("jdbc:h2:file:/d/x;write_delay=100", Database.durable("jdbc:h2:file:/d/x;write_delay=100"));
        assertEquals("jdbc:postgresql://db/escudo", Database.durable("jdbc:postgresql://db/escudo"));
    }

    /** Locks {@code first}, waits until the other thread holds the other row, then wants it too. */
    private void incrementBoth(int first, int second, CyclicBarrier barrier, AtomicInteger attempts) {
        AtomicInteger mine = new AtomicInteger();
        db.run(tx -> {
            attempts.incrementAndGet();
            tx.update("UPDATE storagetest_counter SET n = n + 1 WHERE id = ?", first);
            if (mine.incrementAndGet() == 1) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            tx.update("UPDATE storagetest_counter SET n = n + 1 WHERE id = ?", second);
        });
    }

    @Test
    void tryInsertReportsADuplicateKeyAndLeavesTheTransactionUsable() {
        db.run(tx -> {
            assertTrue(tx.tryInsert("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "first"));
            assertFalse(tx.tryInsert("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "second"));
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n2", "after");
        });
        assertEquals(Optional.of("first"), text("n1"));
        assertEquals(Optional.of("after"), text("n2"));
    }

    @Test
    void insertWithFreshIdDrawsAgainWhileTheIdIsTakenAndReturnsTheOneThatWentIn() {
        db.run(tx -> tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "taken"));
        java.util.Iterator<String> draws = List.of("n1", "n1", "n2").iterator();
        String id = db.inTransaction(tx -> tx.insertWithFreshId(draws::next,
                candidate -> tx.tryInsert("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", candidate, "fresh"), "note id"));
        assertEquals("n2", id);
        assertFalse(draws.hasNext());
        assertEquals(Optional.of("taken"), text("n1"));
        assertEquals(Optional.of("fresh"), text("n2"));
    }

    @Test
    void insertWithFreshIdGivesUpWithATypedInternalErrorAndLeavesTheTransactionUsable() {
        db.run(tx -> tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "taken"));
        AtomicInteger draws = new AtomicInteger();
        db.run(tx -> {
            assertRefused(StorageException.class, StorageException.NO_FRESH_ID, () -> tx.insertWithFreshId(() -> {
                draws.incrementAndGet();
                return "n1";
            }, candidate -> tx.tryInsert("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", candidate, "again"), "note id"));
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n2", "after");
        });
        assertEquals(Tx.FRESH_ID_ATTEMPTS, draws.get());
        assertEquals(Optional.of("taken"), text("n1"));
        assertEquals(Optional.of("after"), text("n2"));
    }

    @Test
    void aDuplicateKeyIsAConflictWithItsSqlState() {
        db.run(tx -> {
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "first");
        });
        StorageException e = assertThrows(StorageException.class, () -> db.run(tx -> {
            tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "second");
        }));
        assertEquals(StorageException.DUPLICATE, e.code());
        assertEquals(EscudoException.Kind.CONFLICT, e.kind());
        assertEquals(Optional.of("23505"), e.sqlState());
    }

    @Test
    void queryOneRefusesSeveralRows() {
        StorageException e = assertThrows(StorageException.class, () -> db.inTransaction(tx ->
                tx.queryOne("SELECT id FROM storagetest_counter", row -> row.getInt(1))));
        assertEquals(StorageException.FAILURE, e.code());
    }

    @Test
    void instantsRoundTripThroughTimestampWithTimeZone() {
        Instant at = Instant.parse("2025-03-01T12:34:56.123456Z");
        db.run(tx -> {
            tx.update("INSERT INTO storagetest_notes (id, text, at) VALUES (?, ?, ?)", "n1", "x", at);
        });
        Instant read = db.inTransaction(tx -> tx.queryOne(
                "SELECT at FROM storagetest_notes WHERE id = ?", row -> Tx.instant(row, "at"), "n1").orElseThrow());
        assertEquals(at, read);
        assertEquals(read, read.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void eachModuleMigratesWithItsOwnHistoryInASharedSchema() {
        db.migrate("storagetest_b");
        db.migrate("storagetest_a");
        db.run(tx -> {
            tx.update("INSERT INTO storagetest_other (id) VALUES (1)");
        });
        assertEquals(List.of("1", "2"), historyVersions("storagetest_a"));
        assertEquals(List.of("0", "1"), historyVersions("storagetest_b"));
    }

    /** A node's readiness: the database answers and has applied every migration of its modules; not when closed or behind them. */
    @Test
    void isReadyOnlyWhileItAnswersAndHasEveryMigrationItsModulesHave() {
        assertTrue(db.ready(java.time.Duration.ofSeconds(2)));
        // as a database restored from before V2 would be: its history lacks the last migration
        db.run(tx -> tx.update("DELETE FROM \"flyway_history_storagetest_a\" WHERE \"version\" = '2'"));
        assertFalse(db.ready(java.time.Duration.ofSeconds(2)));
        Database closed = TestDatabase.create();
        closed.close();
        assertFalse(closed.ready(java.time.Duration.ofSeconds(2)), "a database that cannot be asked is not ready");
    }

    private List<String> historyVersions(String module) {
        return db.inTransaction(tx -> tx.query("SELECT \"version\" FROM \"flyway_history_" + module
                + "\" WHERE \"success\" = TRUE AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"", row -> row.getString(1)));
    }

    @Test
    void migratingAModuleWithoutMigrationsFails() {
        StorageException e = assertThrows(StorageException.class, () -> db.migrate("nosuchmodule"));
        assertEquals(StorageException.MIGRATION_FAILED, e.code());
    }

    @Test
    void anH2FileDatabaseKeepsItsDataWhenReopened(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("issuer");
        try (Database file = Database.open(url, "sa", "")) {
            file.migrate("storagetest_a");
            file.run(tx -> {
                tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "kept");
            });
        }
        try (Database file = Database.open(url, "sa", "")) {
            file.migrate("storagetest_a");
            assertEquals(Optional.of("kept"), file.inTransaction(tx ->
                    tx.queryOne("SELECT text FROM storagetest_notes WHERE id = ?", row -> row.getString(1), "n1")));
        }
    }

    @Test
    void aFailedConnectionNeverShowsThePassword(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("locked");
        Database.open(url, "sa", "right-secret").close();
        StorageException e = assertThrows(StorageException.class, () -> Database.open(url, "sa", "wrong-secret"));
        assertEquals(StorageException.UNAVAILABLE, e.code());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());

        StorageException inUrl = assertThrows(StorageException.class,
                () -> Database.open(url + ";USER=sa;PASSWORD=wrong-secret", null, null));
        assertFalse(inUrl.getMessage().contains("secret"), inUrl.getMessage());
    }

    @Test
    void testDatabasesAreFreshAndIsolated() {
        try (Database other = TestDatabase.create()) {
            other.migrate("storagetest_a");
            other.run(tx -> {
                tx.update("INSERT INTO storagetest_notes (id, text) VALUES (?, ?)", "n1", "other");
            });
            assertEquals(Optional.empty(), text("n1"));
        }
    }

    private Optional<String> text(String id) {
        return db.inTransaction(tx -> tx.queryOne("SELECT text FROM storagetest_notes WHERE id = ?", row -> row.getString(1), id));
    }
}
