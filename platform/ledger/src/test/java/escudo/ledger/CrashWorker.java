package escudo.ledger;

import escudo.core.Money;
import escudo.storage.Database;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link LedgerCrashTest}: opens the ledger at the given database and makes
 * random transfers between the given accounts on {@link #THREADS} threads until it is killed.
 *
 * <p>Arguments: {@code jdbcUrl user password transferIdPrefix account...}; an empty user means the
 * URL carries the credentials. Prints {@value #READY} once {@value #READY_AFTER} transfers have
 * committed, and {@code committed <n>} every few milliseconds, where n counts the transfers whose
 * commit returned. It runs under {@link escudo.testing.ChildJvm}, which ends it when the parent is
 * gone; exits with 2 on any failure other than a refused transfer.
 */
final class CrashWorker {

    static final String READY = "ready";
    static final String COMMITTED = "committed ";
    static final int READY_AFTER = 200;
    static final int THREADS = 4;

    private CrashWorker() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1].isEmpty() ? null : args[1];
        String password = user == null ? null : args[2];
        String prefix = args[3];
        List<String> accounts = List.of(args).subList(4, args.length);

        Database db = Database.open(url, user, password);
        Ledger ledger = new Ledger(db);
        AtomicLong committed = new AtomicLong();
        for (int t = 0; t < THREADS; t++) {
            String threadPrefix = prefix + t + "-";
            Thread worker = new Thread(() -> work(ledger, accounts, threadPrefix, committed), "crash-worker-" + t);
            worker.start();
        }
        boolean announced = false;
        while (true) {
            long n = committed.get();
            if (!announced && n >= READY_AFTER) {
                System.out.println(READY);
                announced = true;
            }
            System.out.println(COMMITTED + n);
            System.out.flush();
            Thread.sleep(5);
        }
    }

    private static void work(Ledger ledger, List<String> accounts, String prefix, AtomicLong committed) {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long n = 0; ; n++) {
                String from = accounts.get(random.nextInt(accounts.size()));
                String to = accounts.get(random.nextInt(accounts.size()));
                if (from.equals(to)) {
                    continue;
                }
                Money amount = Money.of(1 + random.nextLong(80_00), "EUR");
                try {
                    ledger.transfer(new TransferRequest(prefix + n, from, to, amount, "crash test"));
                    committed.incrementAndGet();
                } catch (LedgerException e) {
                    if (e.code() != LedgerException.INSUFFICIENT_FUNDS) {
                        throw e;
                    }
                }
            }
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
    }
}
