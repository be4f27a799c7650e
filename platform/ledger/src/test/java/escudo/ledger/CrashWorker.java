package escudo.ledger;

import escudo.core.Money;
import escudo.storage.Database;
import java.io.IOException;
import java.io.InputStream;
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
 * commit returned. Exits by itself when its standard input closes (the parent died) or after
 * {@link #MAX_LIFETIME_MILLIS}, so it never outlives a broken test run; exits with 2 on any
 * failure other than a refused transfer.
 */
final class CrashWorker {

    static final String READY = "ready";
    static final String COMMITTED = "committed ";
    static final int READY_AFTER = 200;
    static final int THREADS = 4;
    static final long MAX_LIFETIME_MILLIS = 60_000;

    private CrashWorker() {
    }

    public static void main(String[] args) throws Exception {
        startWatchdog();
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

    /** Ends this process when the parent goes away or the run takes far too long. */
    private static void startWatchdog() {
        Thread stdin = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() != -1) {
                    // The parent writes nothing; end of input means it is gone.
                }
            } catch (IOException e) {
                // Treated as the parent being gone.
            }
            Runtime.getRuntime().halt(3);
        }, "crash-worker-stdin");
        stdin.setDaemon(true);
        stdin.start();
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(4);
        }, "crash-worker-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }
}
