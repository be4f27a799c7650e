package escudo.ledger;

import static escudo.ledger.LedgerTest.eur;
import static escudo.ledger.LedgerTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Money;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int TRANSFERS_PER_THREAD = 500;

    private Database db;
    private Ledger ledger;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        ledger = new Ledger(db);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void randomConcurrentTransfersKeepTheBooksBalancedAndWithinLimits() throws Exception {
        List<String> ids = new ArrayList<>(List.of("bank:external"));
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", Money.currency("EUR"), Ledger.UNLIMITED);
        for (int i = 0; i < 9; i++) {
            String id = "acct-" + i;
            ledger.open(id, AccountKind.CUSTOMER_CURRENT, "owner " + i, Money.currency("EUR"), i % 3 == 0 ? 0 : i * 10_00);
            ledger.transfer(request("fund-" + i, "bank:external", id, eur(50_00)));
            ids.add(id);
        }
        List<TransferRequest> moved = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger replays = new AtomicInteger();

        runConcurrently(thread -> {
            Random random = new Random(thread);
            for (int n = 0; n < TRANSFERS_PER_THREAD; n++) {
                if (!moved.isEmpty() && random.nextInt(10) == 0) {
                    // Replays a transfer that some thread already made, as a client retrying would.
                    TransferRequest again = moved.get(random.nextInt(moved.size()));
                    Transfer replayed = ledger.transfer(again);
                    assertTrue(replayed.replayed());
                    assertEquals(again.amount(), replayed.amount());
                    replays.incrementAndGet();
                    continue;
                }
                String from = ids.get(random.nextInt(ids.size()));
                String to = ids.get(random.nextInt(ids.size()));
                if (from.equals(to)) {
                    continue;
                }
                TransferRequest r = request("t-" + thread + "-" + n, from, to, eur(1 + random.nextInt(40_00)));
                try {
                    assertFalse(ledger.transfer(r).replayed());
                    moved.add(r);
                } catch (LedgerException e) {
                    assertEquals(LedgerException.INSUFFICIENT_FUNDS, e.code());
                    refused.incrementAndGet();
                }
            }
            return null;
        });

        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
        for (Account account : ledger.accounts()) {
            assertTrue(account.balance().minorUnits() >= -account.creditLimitMinor(), account + " is beyond its limit");
            List<Posting> history = ledger.postings(account.id());
            assertEquals(account.balance().minorUnits(), history.stream().mapToLong(p -> p.amount().minorUnits()).sum(),
                    account.id() + ": balance differs from the sum of its postings");
            assertEquals(account.balance(), history.getLast().balanceAfter());
        }
        long transfers = db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM ledger_transfers", row -> row.getLong(1)).orElseThrow());
        assertEquals(9 + moved.size(), transfers);
        assertTrue(refused.get() > 0 && replays.get() > 0, "the run must exercise refusals and replays");
    }

    @Test
    void ofConcurrentRequestsWithTheSameIdExactlyOneMovesMoney() throws Exception {
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", Money.currency("EUR"), Ledger.UNLIMITED);
        ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Alice", Money.currency("EUR"), 0);
        int rounds = 20;
        List<Transfer> results = new CopyOnWriteArrayList<>();
        for (int round = 0; round < rounds; round++) {
            TransferRequest r = request("same-" + round, "bank:external", "alice", eur(10_00));
            runConcurrently(thread -> results.add(ledger.transfer(r)));
        }
        assertEquals(rounds, results.stream().filter(t -> !t.replayed()).count());
        assertEquals(rounds * (THREADS - 1), results.stream().filter(Transfer::replayed).count());
        assertEquals(eur(rounds * 10_00), ledger.balance("alice"));
        assertEquals(rounds, ledger.postings("alice").size());
    }

    @Test
    void ofConcurrentDifferentTransfersUnderOneIdExactlyOneMovesMoneyAndTheRestConflict() throws Exception {
        for (int i = 0; i < THREADS; i++) {
            ledger.open("card-" + i, AccountKind.CARD, "owner " + i, Money.currency("EUR"), 100_00);
            ledger.open("acct-" + i, AccountKind.CUSTOMER_CURRENT, "owner " + i, Money.currency("EUR"), 0);
        }
        int rounds = 10;
        AtomicInteger moved = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            String id = "contested-" + round;
            // Disjoint account pairs, so the row locks do not serialize them: the unique key must.
            runConcurrently(thread -> {
                try {
                    ledger.transfer(request(id, "card-" + thread, "acct-" + thread, eur(1_00)));
                    moved.incrementAndGet();
                } catch (LedgerException e) {
                    assertEquals(LedgerException.TRANSFER_CONFLICT, e.code());
                    conflicts.incrementAndGet();
                }
                return null;
            });
        }
        assertEquals(rounds, moved.get());
        assertEquals(rounds * (THREADS - 1), conflicts.get());
        long received = ledger.accounts().stream().filter(a -> a.id().startsWith("acct-")).mapToLong(a -> a.balance().minorUnits()).sum();
        assertEquals(rounds * 1_00, received);
        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
    }

    @Test
    void concurrentHoldsOnOneAccountNeverTogetherOverdrawIt() throws Exception {
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", Money.currency("EUR"), Ledger.UNLIMITED);
        ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Alice", Money.currency("EUR"), 0);
        ledger.open("shop", AccountKind.MERCHANT_DEPOSIT, "Shop", Money.currency("EUR"), 0);
        int rounds = 10;
        AtomicInteger held = new AtomicInteger();
        for (int round = 0; round < rounds; round++) {
            // Tops alice up to 100.00 available.
            ledger.transfer(request("fund-" + round, "bank:external", "alice", eur(round == 0 ? 100_00 : 90_00)));
            int r = round;
            // Eight holds of 30.00 against 100.00: exactly three fit.
            runConcurrently(thread -> {
                try {
                    ledger.hold(new HoldRequest("h-" + r + "-" + thread, "alice", "shop", eur(30_00), "", null));
                    held.incrementAndGet();
                } catch (LedgerException e) {
                    assertEquals(LedgerException.INSUFFICIENT_FUNDS, e.code());
                }
                return null;
            });
            assertEquals(3 * (round + 1), held.get());
            assertEquals(eur(10_00), ledger.account("alice").available());
            // Post them all, so the next round starts from 10.00 available.
            for (Hold hold : pendingHolds()) {
                ledger.post(hold.id());
            }
        }
        assertEquals(eur(rounds * 90_00), ledger.balance("shop"));
        assertEquals(eur(10_00), ledger.balance("alice"));
        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
    }

    @Test
    void randomConcurrentHoldsPostsVoidsAndTransfersKeepTheBooksBalancedAndWithinLimits() throws Exception {
        List<String> ids = new ArrayList<>(List.of("bank:external"));
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", Money.currency("EUR"), Ledger.UNLIMITED);
        for (int i = 0; i < 6; i++) {
            String id = "acct-" + i;
            ledger.open(id, AccountKind.CUSTOMER_CURRENT, "owner " + i, Money.currency("EUR"), i % 2 == 0 ? 0 : 20_00);
            ledger.transfer(request("fund-" + i, "bank:external", id, eur(50_00)));
            ids.add(id);
        }
        List<String> holds = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger settled = new AtomicInteger();

        runConcurrently(thread -> {
            Random random = new Random(thread);
            for (int n = 0; n < TRANSFERS_PER_THREAD / 2; n++) {
                int action = random.nextInt(4);
                try {
                    if (action > 0 && !holds.isEmpty()) {
                        String id = holds.get(random.nextInt(holds.size()));
                        // Posts and voids race each other on one hold: one wins, the other is refused.
                        if (action == 1) {
                            ledger.post(id);
                        } else if (action == 2) {
                            ledger.voidHold(id);
                        } else {
                            String to = ids.get(random.nextInt(ids.size()));
                            String from = ids.get(random.nextInt(ids.size()));
                            if (!from.equals(to)) {
                                ledger.transfer(request("t-" + thread + "-" + n, from, to, eur(1 + random.nextInt(30_00))));
                            }
                        }
                        settled.incrementAndGet();
                        continue;
                    }
                    String from = ids.get(1 + random.nextInt(ids.size() - 1));
                    String to = ids.get(random.nextInt(ids.size()));
                    if (from.equals(to)) {
                        continue;
                    }
                    String id = "h-" + thread + "-" + n;
                    ledger.hold(new HoldRequest(id, from, to, eur(1 + random.nextInt(30_00)), "", null));
                    holds.add(id);
                } catch (LedgerException e) {
                    assertTrue(List.of(LedgerException.INSUFFICIENT_FUNDS, LedgerException.HOLD_POSTED, LedgerException.HOLD_VOIDED)
                            .contains(e.code()), () -> e.code() + ": " + e.getMessage());
                    refused.incrementAndGet();
                }
            }
            return null;
        });

        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
        List<Hold> pending = pendingHolds();
        for (Account account : ledger.accounts()) {
            assertTrue(account.available().minorUnits() >= -account.creditLimitMinor(), account + " is beyond its limit");
            assertEquals(pending.stream().filter(h -> h.fromAccount().equals(account.id())).mapToLong(h -> h.amount().minorUnits()).sum(),
                    account.pendingDebits().minorUnits(), account.id() + ": pending debits differ from its pending holds");
            assertEquals(pending.stream().filter(h -> h.toAccount().equals(account.id())).mapToLong(h -> h.amount().minorUnits()).sum(),
                    account.pendingCredits().minorUnits(), account.id() + ": pending credits differ from its pending holds");
            assertEquals(account.balance().minorUnits(),
                    ledger.postings(account.id()).stream().mapToLong(p -> p.amount().minorUnits()).sum(),
                    account.id() + ": balance differs from the sum of its postings");
        }
        long postedHoldsWithoutTwoPostings = db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM ledger_transfers t"
                + " WHERE t.hold AND (t.state = 'POSTED') <> ((SELECT COUNT(*) FROM ledger_postings p WHERE p.transfer_id = t.id) = 2)",
                row -> row.getLong(1)).orElseThrow());
        assertEquals(0, postedHoldsWithoutTwoPostings, "a posted hold has exactly its two postings, any other none");
        assertTrue(refused.get() > 0 && settled.get() > 0 && !pending.isEmpty(), "the run must exercise refusals, posts and voids");
    }

    private List<Hold> pendingHolds() {
        List<String> ids = db.inTransaction(tx -> tx.query("SELECT id FROM ledger_transfers WHERE state = 'PENDING'", row -> row.getString(1)));
        return ids.stream().map(id -> ledger.findHold(id).orElseThrow()).toList();
    }

    /** Runs {@code work(thread)} on all threads at once and rethrows the first failure. */
    private void runConcurrently(ThreadWork work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> runs = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int t = thread;
            runs.add(pool.submit((Callable<Object>) () -> {
                start.await();
                return work.run(t);
            }));
        }
        start.countDown();
        for (Future<Object> run : runs) {
            run.get(5, TimeUnit.MINUTES);
        }
    }

    @FunctionalInterface
    private interface ThreadWork {
        Object run(int thread) throws Exception;
    }
}
