package escudo.s3.server.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 simulation ({@link Simulation}) over a fixed set of seeds in every build, and over as
 * many as asked for on the command line:
 * <ul>
 * <li>{@code -Descudo.sim.seed=<seed>} runs that seed alone (a failure's report prints the command);</li>
 * <li>{@code -Descudo.sim.seeds=<n>} runs n seeds from {@code -Descudo.sim.firstSeed} (default 1);</li>
 * <li>{@code -Descudo.sim.steps=<n>} sets the steps per seed (default {@value #BUILD_STEPS}).</li>
 * </ul>
 * See docs/simulation.md.
 */
class SimulationTest {

    static final int BUILD_SEEDS = 8;
    static final int BUILD_STEPS = 1_500;

    @TempDir
    Path tempDir;
    private Path dir;

    /** A card writes and syncs its state file on every change: on a RAM disk, where there is one, the steps do not wait for a disk. */
    @BeforeEach
    void placeTheCards() throws IOException {
        Path ramDisk = Path.of("/dev/shm");
        dir = Files.isDirectory(ramDisk) && Files.isWritable(ramDisk) ? Files.createTempDirectory(ramDisk, "escudo-simulation-") : tempDir;
    }

    @AfterEach
    void removeTheCards() throws IOException {
        if (!dir.equals(tempDir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everySeedKeepsEveryInvariant() {
        int steps = Integer.getInteger("escudo.sim.steps", BUILD_STEPS);
        String one = System.getProperty("escudo.sim.seed", "").trim();
        LongStream seeds = !one.isEmpty() ? LongStream.of(Long.decode(one))
                : LongStream.range(0, Integer.getInteger("escudo.sim.seeds", BUILD_SEEDS)).map(i -> i + Long.getLong("escudo.sim.firstSeed", 1));
        return seeds.mapToObj(seed -> dynamicTest("seed " + seed + ", " + steps + " steps", () -> {
            Simulation.Result result = run(seed, steps);
            System.out.printf("S3 simulation seed %d: %d steps in %.1f s (CPU %.1f s, of which checks %.1f s), %d days simulated, %d cards,"
                            + " faults %s, %d double spends caught, fingerprint %s%n",
                    seed, steps, result.millis() / 1000.0, result.cpuMillis() / 1000.0, result.checkCpuMillis() / 1000.0,
                    result.simulated().toDays(), result.cards(), result.faults(), result.doubleSpendsCaught(), result.fingerprint().substring(0, 16));
            if (Boolean.getBoolean("escudo.sim.verbose")) {
                System.out.println("  operations " + result.operations());
                System.out.println("  outcomes " + result.outcomes());
            }
        }));
    }

    @Test
    void aSeedReproducesTheSameStepsAndOutcomes() {
        Simulation.Result first = run(42, 300);
        Simulation.Result second = run(42, 300);
        assertEquals(first.fingerprint(), second.fingerprint(), "two runs of one seed must do the same things with the same outcomes");
        assertEquals(first.outcomes(), second.outcomes());
        Simulation.Result other = run(43, 300);
        assertNotEquals(first.fingerprint(), other.fingerprint(), "another seed is another run");
    }

    @Test
    void moneyMadeInTheLedgerIsReportedWithTheSeedTheStepAndTheLastSteps() {
        SimulationFailure failure = sabotaged(7, 60, sim -> sim.bankDb.run(tx -> tx.update(
                "UPDATE ledger_accounts SET balance = balance + 1 WHERE id = ?", sim.shops.get(1).account)));
        String report = failure.getMessage();
        assertTrue(report.contains("seed 7, step 60 of 100"), report);
        assertTrue(report.contains("ledger total in EUR is 1, not 0"), report);
        assertTrue(report.contains("ledger account merchant:shop1 holds") && report.contains("but its postings sum to"), report);
        assertTrue(report.contains("-Descudo.sim.seed=7 -Descudo.sim.steps=100"), report);
        List<String> steps = report.lines().filter(line -> line.matches("  00\\d\\d .*")).toList();
        assertEquals(Simulation.TRACE_TAIL, steps.size(), report);
        assertTrue(steps.getLast().startsWith("  0060 "), report);
    }

    @Test
    void aMerchantThatHoldsAPaidPaymentAsRefusedIsCaught() {
        SimulationFailure failure = sabotaged(3, 400, sim -> {
            sim.faults.enable(false);
            sim.shops.forEach(s -> s.merchant.depositCollected());
            sim.shops.forEach(s -> s.db.run(tx -> tx.update("UPDATE merchant_payment SET status = 'REFUSED', credited_minor = 0"
                    + " WHERE status IN ('CLEARED', 'ALREADY_CLEARED')")));
        });
        assertTrue(failure.getMessage().contains("at the merchant, but the bank paid it"), failure.getMessage());
    }

    /** What a cleanup job that forgot to spare paid checkouts would do: those payments could never be deposited. */
    @Test
    void aPaymentWhoseCheckoutIsGoneIsCaught() {
        SimulationFailure failure = sabotaged(3, 400, sim -> sim.shops.forEach(s -> s.db.run(tx -> tx.update(
                "DELETE FROM merchant_checkout WHERE paid = TRUE"))));
        assertTrue(failure.getMessage().contains("payments whose checkout it deleted"), failure.getMessage());
    }

    private Simulation.Result run(long seed, int steps) {
        try (Simulation sim = new Simulation(seed, steps, dir.resolve("seed-" + seed + "-" + System.nanoTime()))) {
            return sim.run();
        }
    }

    private SimulationFailure sabotaged(long seed, int step, Consumer<Simulation> sabotage) {
        int steps = step < 100 ? 100 : step + 1;
        try (Simulation sim = new Simulation(seed, steps, dir.resolve("sabotaged-" + seed), step, sabotage)) {
            return assertThrows(SimulationFailure.class, sim::run);
        }
    }
}
