package escudo.bench;

import escudo.core.Bytes;
import escudo.bank.Bank;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import java.util.Map;
import escudo.s3.card.Card;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s3.api.IssuedCard;
import escudo.s3.server.issuer.Issuer;
import escudo.s3.api.CardApplication;
import escudo.http.PartyClient;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentSpec;
import escudo.storage.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Seed 003, Fig. 9 end to end: a merchant sends one signed DepositRequest of {@code batch}
 * pre-signed payments over HTTP to a bank node ({@link IssuerNode}: Helidon, JSON, an
 * {@link Issuer} on an H2 file database) and gets the signed receipt back. The primary score is
 * deposits per second; the secondary {@code :payments} score is payments cleared per second,
 * the figure docs/performance.md compares with {@link Ed25519VerifyBenchmark}.
 *
 * <p>What is measured per invocation: the merchant signing the request and encoding it as JSON,
 * the HTTP round trip on loopback, and everything the bank does (decoding, the merchant's
 * signature, the nonce, then per payment the CARD-CERT and PAYMENT-CERT signatures, the card
 * row, the ser# record and the ledger transfer in a transaction of its own, and the signed
 * receipt), then decoding the receipt. What is not measured: the cards signing the payments,
 * which happens in the setups, with the card state on tmpfs where there is one.
 *
 * <p>Every payment is new to the bank (fresh ser# of a card the bank issued) and every request has
 * a fresh nonce, so each one is really cleared; any status other than CLEARED fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 10) // the JIT needs longer here than for the crypto alone
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class DepositClearingBenchmark {

    private static final String BANK = "bench-bank";
    private static final String MERCHANT = "bench-shop";
    private static final String CUSTOMER = "bench-customer";
    private static final String PIN = "2580";
    private static final int CARDS = 4;
    private static final Money AMOUNT = Money.parse("0.01 EUR");

    /** Payments per DepositRequest. */
    @Param({"1", "100"})
    public int batch;

    private Path work;
    private Path cardRoot;
    private PartyNode node;
    private PartyClient client;
    private SigningKey merchantKey;
    private final List<Card> cards = new ArrayList<>();
    private final ArrayDeque<DepositRequest.Payment> pool = new ArrayDeque<>();

    /** Fastest payments-per-second seen so far, to size the next iteration's pool. */
    private double bestRate;
    private long clearedTotal;
    private long iterationStartNanos;
    private long clearedAtIterationStart;
    private boolean warmup;
    private long signingNanosInIteration;

    /** Payments cleared, reported by JMH as a rate next to the deposits per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cleared {
        public long payments;

        @Setup(Level.Iteration)
        public void reset() {
            payments = 0;
        }
    }

    @Setup(Level.Trial)
    public void startBank() throws IOException {
        work = Files.createTempDirectory("escudo-bench-");
        Path shm = Path.of("/dev/shm");
        cardRoot = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "escudo-bench-cards-") : Files.createDirectory(work.resolve("cards"));
        Database db = Database.open("jdbc:h2:file:" + work.resolve("bank") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        node = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0")))
                .database(db).secrets(Secrets.ephemeral(SigningKey.generate())).start();
        Issuer issuer = node.service(Issuer.class);

        merchantKey = SigningKey.generate();
        node.service(Bank.class).openMerchant(MERCHANT, "Bench shop", "EUR", merchantKey.verifyingKey());
        node.service(Bank.class).openCustomer(CUSTOMER, "Bench customer", Money.parse("100000000.00 EUR"));
        for (int i = 0; i < CARDS; i++) {
            Card card = Card.manufacture(cardRoot.resolve("card-" + i));
            IssuedCard issued = issuer.issueCard(new CardApplication(CUSTOMER, CardKind.CASH, Money.parse("1000000.00 EUR"),
                    card.userShare(), Bytes.of(card.transportKey())));
            card.personalise(PIN, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
            cards.add(card);
        }
        client = new PartyClient(node.uri());
        // A first guess for the first warm-up iteration; later iterations use the rate seen.
        bestRate = batch == 1 ? 200 : 500;
    }

    /**
     * Tops the pool up to what this iteration can use at 3 times the best rate seen so far (the
     * cards sign about 2,400 payments a second on 2 cores, so this costs seconds, not minutes). A
     * warm-up iteration that still runs dry signs more on the spot (warm-up scores are not
     * reported); a measurement iteration that runs dry fails the run instead of timing the cards.
     */
    @Setup(Level.Iteration)
    public void fillPool(IterationParams iteration) throws InterruptedException, ExecutionException {
        warmup = iteration.getType() == IterationType.WARMUP;
        double seconds = iteration.getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0;
        long wanted = (long) Math.ceil(bestRate * seconds * 3) + batch;
        if (pool.size() < wanted) {
            signPayments((int) (wanted - pool.size()));
        }
        iterationStartNanos = System.nanoTime();
        signingNanosInIteration = 0;
        clearedAtIterationStart = clearedTotal;
    }

    @TearDown(Level.Iteration)
    public void observeRate() {
        double seconds = (System.nanoTime() - iterationStartNanos - signingNanosInIteration) / 1e9;
        bestRate = Math.max(bestRate, (clearedTotal - clearedAtIterationStart) / seconds);
    }

    @TearDown(Level.Trial)
    public void stopBank() throws IOException {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
        WorkDirectory.delete(cardRoot);
        WorkDirectory.delete(work);
    }

    @Benchmark
    public DepositReceipt deposit(Cleared cleared) throws InterruptedException, ExecutionException {
        if (pool.size() < batch && warmup) {
            long start = System.nanoTime();
            signPayments(Math.max(batch, 1_000));
            signingNanosInIteration += System.nanoTime() - start;
        }
        if (pool.size() < batch) {
            throw new IllegalStateException("the pool of pre-signed payments ran dry: the bank cleared faster than "
                    + "3 times the best rate seen in warm-up; add warm-up iterations (-wi)");
        }
        List<DepositRequest.Payment> payments = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            payments.add(pool.poll());
        }
        DepositRequest request = DepositRequest.sign(MERCHANT, Instant.now(), UUID.randomUUID().toString(), payments, merchantKey);
        DepositReceipt receipt = client.post("/issuer/deposits", request, DepositReceipt.class);
        if (receipt.statuses().size() != batch) {
            throw new IllegalStateException("the receipt has " + receipt.statuses().size() + " statuses for " + batch + " payments");
        }
        for (DepositReceipt.Status status : receipt.statuses()) {
            if (status.outcome() != DepositReceipt.Outcome.CLEARED) {
                throw new IllegalStateException("payment " + status.cardNumber() + " ser# " + status.serial() + " was "
                        + status.outcome() + " " + status.code() + ": " + status.detail());
            }
        }
        clearedTotal += batch;
        cleared.payments += batch;
        return receipt;
    }

    /** The cards sign {@code count} payments, one thread per card, interleaved into the pool. */
    private void signPayments(int count) throws InterruptedException, ExecutionException {
        int perCard = (count + CARDS - 1) / CARDS;
        List<Future<List<DepositRequest.Payment>>> signed = new ArrayList<>();
        try (ExecutorService signers = Executors.newFixedThreadPool(Math.min(CARDS, Runtime.getRuntime().availableProcessors()))) {
            for (Card card : cards) {
                signed.add(signers.submit(() -> {
                    List<DepositRequest.Payment> out = new ArrayList<>(perCard);
                    for (int i = 0; i < perCard; i++) {
                        PaymentSpec spec = new PaymentSpec(MERCHANT, Instant.now(), AMOUNT, "goods", UUID.randomUUID().toString());
                        out.add(new DepositRequest.Payment(card.certificate(), card.pay(spec, PIN)));
                    }
                    return out;
                }));
            }
            List<List<DepositRequest.Payment>> perCardLists = new ArrayList<>();
            for (Future<List<DepositRequest.Payment>> f : signed) {
                perCardLists.add(f.get());
            }
            for (int i = 0; i < perCard; i++) {
                for (List<DepositRequest.Payment> list : perCardLists) {
                    pool.add(list.get(i));
                }
            }
        }
    }

}
