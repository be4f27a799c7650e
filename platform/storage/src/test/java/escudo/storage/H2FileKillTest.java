package escudo.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default keeps every commit that returned when its process is killed, also when the
 * file's freed space is reused at once ({@code RETENTION_TIME=0}), which is where H2 2.5.252 lost
 * them: when a new chunk did not land where the last one predicted, it rewrote the store header
 * with the previous chunk, so recovery after a kill followed the chain one chunk short and dropped
 * every commit since (a node restarted after a clean close, doing a few commits and then killed,
 * lost them; NodeCrashTest found it one run in ten). The child commits one row per transaction and
 * prints each id once its commit returned; it is killed at a random moment.
 */
class H2FileKillTest {

    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyCommitThatReturnedSurvivesAKillWhileFreedSpaceIsReused() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("kill") + ";DB_CLOSE_ON_EXIT=FALSE;RETENTION_TIME=0";
        long confirmed = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            long before = confirmed;
            AtomicLong last = new AtomicLong(before);
            try (ChildJvm child = ChildJvm.start(CommitWorker.class.getName(), List.of(url), dir, Map.of(),
                    line -> line.equals(CommitWorker.COMMITTED + (before + CommitWorker.BEFORE_KILL)), line -> {
                        if (line.startsWith(CommitWorker.COMMITTED)) {
                            last.set(Long.parseLong(line.substring(CommitWorker.COMMITTED.length())));
                            return true;
                        }
                        return false;
                    })) {
                child.awaitReady(Duration.ofSeconds(60), CommitWorker.BEFORE_KILL + " commits");
                Thread.sleep(ThreadLocalRandom.current().nextLong(30));
                child.kill(); // and its output read to the end
            }
            confirmed = last.get();
            try (Database db = Database.open(url, "sa", "")) {
                long[] rows = db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM kill_test",
                        r -> new long[] {r.getLong(1), r.getLong(2)}).orElseThrow());
                assertTrue(rows[1] >= confirmed, "kill " + kill + ": commits up to " + confirmed + " returned, the file holds up to " + rows[1]);
                assertEquals(rows[1], rows[0], "kill " + kill + ": the rows are 1.." + rows[1] + " with none missing");
                confirmed = rows[1];
            }
        }
    }

    /** The child: one row per transaction, numbered on from what the file holds, each id printed once its commit returned. */
    static final class CommitWorker {

        static final String COMMITTED = "committed ";
        static final int BEFORE_KILL = 40;

        public static void main(String[] args) {
            Database db = Database.open(args[0], "sa", "");
            db.run(tx -> tx.update("CREATE TABLE IF NOT EXISTS kill_test (id BIGINT PRIMARY KEY, pad VARCHAR(400))"));
            long next = db.inTransaction(tx -> tx.queryOne("SELECT COALESCE(MAX(id), 0) FROM kill_test", r -> r.getLong(1)).orElseThrow());
            String pad = "x".repeat(400);
            while (true) {
                long id = ++next;
                db.run(tx -> tx.update("INSERT INTO kill_test (id, pad) VALUES (?, ?)", id, pad));
                System.out.println(COMMITTED + id);
                System.out.flush();
            }
        }
    }
}
