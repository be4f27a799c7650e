package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import escudo.bank.client.BankApi;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.ledger.testing.LedgerAudit;
import escudo.node.KeyVault;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.CardAccount;
import escudo.s3.api.DepositSummary;
import escudo.s3.api.MerchantApi;
import escudo.s3.card.Card;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.server.merchant.MerchantException;
import escudo.storage.Database;
import escudo.testing.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code escudo serve} (bank, merchant and courier in one process on the embedded default: an H2
 * file per party in its data directory) killed with SIGKILL under concurrent load over HTTP and
 * restarted on the same directory, {@value #DEFAULT_CRASHES} times, or as often as
 * {@code -D}{@value #CRASHES_PROPERTY} says (docs/reliability.md has the figures).
 *
 * <p>The test plays the clients: {@value #CARDS} cards (their state in its temporary directory)
 * paying at the merchant's till and topping up, and the merchant's operator depositing, each on its
 * own thread. It remembers what each client saw confirmed. After each kill it reads the bank's and
 * the merchant's H2 files with the node down; after each restart the clients ask again what had no
 * answer (the signed payment sent again, the card's pending top-up, a deposit) and the parties'
 * books are compared over HTTP with each other and with what the clients saw.
 */
class NodeCrashTest {

    static final String CRASHES_PROPERTY = "escudo.test.crashes";
    static final int DEFAULT_CRASHES = 3;
    static final int CARDS = 3;

    private static final int CRASHES = Integer.getInteger(CRASHES_PROPERTY, DEFAULT_CRASHES);
    private static final String CUSTOMER = "alice";
    private static final String PIN = "2468";
    private static final Money OPENING_DEPOSIT = Money.parse("100000.00 EUR");
    private static final Money CARD_LOAD = Money.parse("50.00 EUR");
    private static final Money TOP_UP = Money.parse("5.00 EUR");
    /** Below the merchant's online limit: every payment is accepted offline and cleared by a deposit. */
    private static final long MAX_PAYMENT_MINOR = 3_00;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60); // a busy machine starts a JVM slowly
    private static final Duration WORK_TIMEOUT = Duration.ofSeconds(60);
    /** What a round must have confirmed before the kill may come, at a random moment up to {@link #MAX_KILL_DELAY_MILLIS} later. */
    private static final int PAYMENTS_BEFORE_KILL = 10;
    private static final int TOP_UPS_BEFORE_KILL = 2;
    private static final int DEPOSITS_BEFORE_KILL = 2;
    private static final long MAX_KILL_DELAY_MILLIS = 300;

    @TempDir
    Path dir;

    private Map<String, String> settings;
    private NodeConfig config;
    private ChildJvm node;
    private String token;
    private final List<Card> cards = new ArrayList<>();

    // What the clients saw confirmed, over all rounds.
    private final Map<PaymentKey, Long> confirmedPayments = new ConcurrentHashMap<>();
    private final Set<PaymentKey> clearedInAnswers = ConcurrentHashMap.newKeySet();
    private final Map<TopUpKey, Long> confirmedTopUps = new ConcurrentHashMap<>();
    private final AtomicInteger depositsAnswered = new AtomicInteger();
    private int paymentsResent;
    private int topUpsAskedAgain;

    /** A payment: the card and the ser# it signed. */
    record PaymentKey(String cardNumber, long serial) {
    }

    /** A top-up: the card and the seq# of its request. */
    record TopUpKey(String cardNumber, long sequence) {
    }

    /** A payment as a party's own table holds it. */
    record Stored(String merchantId, String status, long amountMinor, Long creditedMinor) {

        boolean cleared() {
            return status.equals(Outcome.CLEARED.name()) || status.equals(Outcome.ALREADY_CLEARED.name());
        }
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aNodeKilledUnderLoadLosesNothingItConfirmedAndItsBooksAgree() throws Exception {
        long started = System.nanoTime();
        Path data = dir.resolve("node");
        settings = Map.of("ESCUDO_DATA_DIR", data.toString(),
                "ESCUDO_ISSUER_PORT", String.valueOf(freePort()),
                "ESCUDO_MERCHANT_PORT", String.valueOf(freePort()),
                "ESCUDO_COURIER_PORT", String.valueOf(freePort()),
                // the test's clients all come from one address; the limit is not what is tested here
                "ESCUDO_RATE_LIMIT", "1000000", "ESCUDO_RATE_BURST", "1000000");
        config = NodeConfig.load(null, settings, Map.of());
        startNode();
        token = KeyVault.readOperatorToken(data, Map.of()).orElseThrow();
        try (Clients clients = new Clients()) {
            MerchantApi.MerchantInfo merchant = clients.till.get("/merchant", MerchantApi.MerchantInfo.class);
            clients.bank.post("/issuer/merchants", new BankApi.OpenMerchant(merchant.merchantId(), merchant.merchantId(),
                    merchant.currency(), merchant.publicKey()), BankApi.Balance.class);
            clients.bank.post("/issuer/customers", new BankApi.OpenCustomer(CUSTOMER, "Alice", OPENING_DEPOSIT), BankApi.Balance.class);
            for (int i = 0; i < CARDS; i++) {
                cards.add(CardHolder.issueCard(clients.bank, dir.resolve("cards").resolve("card-" + i), CUSTOMER, CardKind.CASH, CARD_LOAD, PIN));
            }
        }

        for (int crash = 1; crash <= CRASHES; crash++) {
            Queue<PaymentInFlight> unanswered = runUntilKilled(crash);
            checkFiles("after kill " + crash);
            startNode();
            try (Clients clients = new Clients()) {
                askAgain(clients, unanswered);
                checkParties(clients, "after restart " + crash);
            }
        }
        node.kill();
        checkFiles("at the end");
        System.out.printf("NodeCrashTest: %d kills of escudo serve; %d payments confirmed (%d sent again after a kill),"
                        + " %d deposits answered clearing %d payments, %d top-ups confirmed (%d asked again); %d s%n",
                CRASHES, confirmedPayments.size(), paymentsResent, depositsAnswered.get(), clearedInAnswers.size(),
                confirmedTopUps.size(), topUpsAskedAgain, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** One round of load: every client on its own thread until the node is killed; returns the payments that got no answer. */
    private Queue<PaymentInFlight> runUntilKilled(int crash) throws Exception {
        Round round = new Round();
        ExecutorService threads = Executors.newFixedThreadPool(CARDS + 1);
        try (Clients clients = new Clients()) {
            List<Future<?>> work = new ArrayList<>();
            for (Card card : cards) {
                work.add(threads.submit(() -> round.guard(() -> shop(clients, card, round))));
            }
            work.add(threads.submit(() -> round.guard(() -> deposit(clients, round))));
            long deadline = System.nanoTime() + WORK_TIMEOUT.toNanos();
            while (!round.enoughDone() && round.failures.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("round " + crash + " confirmed too little in " + WORK_TIMEOUT.toSeconds() + " s: " + round);
                }
                Thread.sleep(10);
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(MAX_KILL_DELAY_MILLIS + 1));
            node.assertAlive();
            round.killing = true;
            node.kill();
            for (Future<?> f : work) {
                f.get(WORK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        if (!round.failures.isEmpty()) {
            AssertionError failed = new AssertionError("round " + crash + ": a client failed before the kill");
            round.failures.forEach(failed::addSuppressed);
            throw failed;
        }
        return round.unanswered;
    }

    /** A card's holder: pays at the till, and tops the card up now and then (always when it runs low). */
    private void shop(Clients clients, Card card, Round round) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!round.killing) {
            if (card.status().balance() < TOP_UP.minorUnits() || random.nextInt(6) == 0) {
                confirmTopUp(card, CardHolder.topUp(clients.bank, card, TOP_UP, false, PIN));
                round.topUps.incrementAndGet();
                continue;
            }
            Money amount = Money.of(1 + random.nextLong(Math.min(MAX_PAYMENT_MINOR, card.status().balance())), "EUR");
            String reference = CardHolder.presentCheckout(clients.till, amount, "crash test").reference();
            PaymentInFlight payment = new PaymentInFlight(card.certificate(), CardHolder.sign(clients.counter, card, reference, PIN));
            try {
                confirmPayment(payment, CardHolder.send(clients.counter, payment.card(), payment.payment()));
            } catch (EscudoException e) {
                if (round.noAnswer(e)) {
                    round.unanswered.add(payment);
                }
                throw e;
            }
            round.payments.incrementAndGet();
        }
    }

    /** The merchant's operator: deposits what is collected, again and again. */
    private void deposit(Clients clients, Round round) throws InterruptedException {
        while (!round.killing) {
            DepositSummary summary = clients.till.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
            confirmDeposit(summary);
            if (summary.sent() > 0) {
                round.deposits.incrementAndGet();
            }
            Thread.sleep(20);
        }
    }

    /**
     * After a restart, what had no answer is asked again: each payment a card signed and sent is
     * sent as it was (accepted now, or refused as a duplicate because the merchant holds it), each
     * card's pending top-up goes again, and the merchant deposits until nothing is collected.
     */
    private void askAgain(Clients clients, Queue<PaymentInFlight> unanswered) {
        for (PaymentInFlight payment : unanswered) {
            paymentsResent++;
            try {
                confirmPayment(payment, CardHolder.send(clients.counter, payment.card(), payment.payment()));
            } catch (EscudoException e) {
                assertEquals(MerchantException.DUPLICATE_PAYMENT, e.code(), "a payment sent again: " + e.getMessage());
                AcceptedPayment held = clients.till.get("/merchant/payments", MerchantApi.Payments.class).payments().stream()
                        .filter(p -> p.cardNumber().equals(payment.payment().cardNumber()) && p.serial() == payment.payment().serial())
                        .findFirst().orElseThrow(() -> new AssertionError("refused as a duplicate but not held: " + payment.key()));
                confirmPayment(payment, held);
            }
        }
        for (Card card : cards) {
            boolean pending = card.pendingWithdrawal().isPresent();
            Optional<WithdrawalAck> ack = CardHolder.completePending(clients.bank, card);
            assertEquals(pending, ack.isPresent(), card + ": a pending top-up asked again is answered");
            ack.ifPresent(a -> {
                topUpsAskedAgain++;
                confirmTopUp(card, a);
            });
        }
        DepositSummary summary;
        do {
            summary = clients.till.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
            confirmDeposit(summary);
        } while (summary.remaining() > 0);
    }

    private void confirmPayment(PaymentInFlight payment, AcceptedPayment accepted) {
        PaymentCertificate signed = payment.payment();
        assertTrue(accepted.cardNumber().equals(signed.cardNumber()) && accepted.serial() == signed.serial()
                && accepted.amount().equals(signed.spec().amount()), "the merchant's answer is for the payment sent: " + accepted);
        confirmedPayments.put(payment.key(), signed.spec().amount().minorUnits());
    }

    private void confirmTopUp(Card card, WithdrawalAck ack) {
        assertEquals(TOP_UP, ack.amount());
        confirmedTopUps.put(new TopUpKey(card.certificate().cardNumber(), ack.sequence()), ack.amount().minorUnits());
    }

    private void confirmDeposit(DepositSummary summary) {
        summary.statuses().forEach(status -> {
            assertTrue(status.outcome() == Outcome.CLEARED || status.outcome() == Outcome.ALREADY_CLEARED,
                    "an honest card's payment is paid: " + status);
            clearedInAnswers.add(new PaymentKey(status.cardNumber(), status.serial()));
        });
        if (summary.sent() > 0) {
            depositsAnswered.incrementAndGet();
        }
    }

    /**
     * With the node down: the bank's ledger is double entry; everything a client saw confirmed is
     * in the files (each payment at the merchant, each cleared one at the bank with its transfer,
     * each top-up's answer and transfer at the bank); the merchant shows nothing cleared that the
     * bank did not clear, and the bank cleared nothing the merchant does not hold, each once.
     */
    private void checkFiles(String when) {
        List<String> broken = new ArrayList<>();
        Map<PaymentKey, Stored> clearedAtBank;
        Map<String, Long> transfers;
        try (Database bank = open(Role.ISSUER)) {
            broken.addAll(LedgerAudit.problems(bank));
            clearedAtBank = bank.inTransaction(tx -> rows(tx.query(
                    "SELECT card_number, serial, merchant_id, amount_minor, credited_minor FROM issuer_cleared_payment",
                    r -> Map.entry(new PaymentKey(r.getString(1), r.getLong(2)),
                            new Stored(r.getString(3), Outcome.CLEARED.name(), r.getLong(4), nullable(r.getLong(5), r.wasNull()))))));
            transfers = bank.inTransaction(tx -> rows(tx.query(
                    "SELECT id, amount FROM ledger_transfers WHERE id LIKE 'pay:%' OR id LIKE 'withdraw:%'",
                    r -> Map.entry(r.getString(1), r.getLong(2)))));
            Set<TopUpKey> answered = bank.inTransaction(tx -> Set.copyOf(tx.query(
                    "SELECT card_number, sequence FROM issuer_withdrawal_answer", r -> new TopUpKey(r.getString(1), r.getLong(2)))));
            confirmedTopUps.forEach((key, amount) -> {
                if (!answered.contains(key) || !amount.equals(transfers.get("withdraw:" + key.cardNumber() + ":" + key.sequence()))) {
                    broken.add("the top-up " + key + " confirmed to its card is not at the bank (answer kept: " + answered.contains(key) + ")");
                }
            });
        }
        Map<PaymentKey, Stored> atMerchant;
        try (Database merchant = open(Role.MERCHANT)) {
            atMerchant = merchant.inTransaction(tx -> rows(tx.query(
                    "SELECT card_number, serial, status, amount_minor, credited_minor FROM merchant_payment",
                    r -> Map.entry(new PaymentKey(r.getString(1), r.getLong(2)),
                            new Stored(config.id(Role.MERCHANT), r.getString(3), r.getLong(4), nullable(r.getLong(5), r.wasNull()))))));
        }
        confirmedPayments.forEach((key, amount) -> {
            Stored held = atMerchant.get(key);
            if (held == null || held.amountMinor() != amount) {
                broken.add("the payment " + key + " of " + amount + " confirmed to its card is not in the merchant's books: " + held);
            }
        });
        clearedInAnswers.forEach(key -> {
            if (atMerchant.get(key) == null || !atMerchant.get(key).cleared()) {
                broken.add("a deposit answer said " + key + " was paid; the merchant's books say " + atMerchant.get(key));
            }
        });
        atMerchant.forEach((key, held) -> {
            Stored atBank = clearedAtBank.get(key);
            if (held.cleared() && (atBank == null || !Objects.equals(atBank.creditedMinor(), held.creditedMinor()))) {
                broken.add("the merchant shows " + key + " " + held + ", the bank " + atBank);
            }
        });
        clearedAtBank.forEach((key, cleared) -> {
            if (!atMerchant.containsKey(key) || !cleared.merchantId().equals(config.id(Role.MERCHANT))) {
                broken.add("the bank cleared " + key + " (" + cleared + "), which the merchant does not hold");
            }
            if (!Long.valueOf(cleared.amountMinor()).equals(transfers.get("pay:" + key.cardNumber() + ":" + key.serial()))) {
                broken.add("the bank cleared " + key + " but paid " + transfers.get("pay:" + key.cardNumber() + ":" + key.serial()));
            }
        });
        long paid = transfers.keySet().stream().filter(id -> id.startsWith("pay:")).count();
        if (paid != clearedAtBank.size()) {
            broken.add("the bank made " + paid + " payment transfers for " + clearedAtBank.size() + " cleared payments");
        }
        assertEquals(List.of(), broken, when + " (" + confirmedPayments.size() + " payments and " + confirmedTopUps.size()
                + " top-ups confirmed so far)");
    }

    /**
     * With the node back and every client's question asked again: the merchant holds exactly the
     * payments the cards signed, all paid; its account at the bank holds what it shows credited;
     * the customer's account lost exactly the card loads and the confirmed top-ups; each card
     * holds what the bank holds for it; the ledger's totals are zero.
     */
    private void checkParties(Clients clients, String when) {
        List<AcceptedPayment> payments = clients.till.get("/merchant/payments", MerchantApi.Payments.class).payments();
        Map<PaymentKey, Long> held = new HashMap<>();
        long credited = 0;
        for (AcceptedPayment p : payments) {
            held.put(new PaymentKey(p.cardNumber(), p.serial()), p.amount().minorUnits());
            assertTrue(p.status() == Outcome.CLEARED || p.status() == Outcome.ALREADY_CLEARED, when + ": not paid: " + p);
            credited += p.credited().minorUnits();
        }
        assertEquals(confirmedPayments, held, when + ": the merchant's payments are those the cards signed");
        assertEquals(confirmedPayments.values().stream().mapToLong(Long::longValue).sum(), credited, when + ": credited in full");
        Money atBank = clients.bank.get("/issuer/merchants/" + config.id(Role.MERCHANT), BankApi.Balance.class).balance();
        assertEquals(credited, atBank.minorUnits(), when + ": the merchant's account holds what it shows credited, once");

        long toppedUp = confirmedTopUps.values().stream().mapToLong(Long::longValue).sum();
        Money customer = clients.bank.get("/issuer/customers/" + CUSTOMER, BankApi.Balance.class).balance();
        assertEquals(OPENING_DEPOSIT.minorUnits() - CARDS * CARD_LOAD.minorUnits() - toppedUp, customer.minorUnits(),
                when + ": the customer paid the card loads and the " + confirmedTopUps.size() + " confirmed top-ups, once each");
        for (Card card : cards) {
            CardAccount account = clients.bank.get("/issuer/cards/" + card.certificate().cardNumber(), CardAccount.class);
            assertEquals(card.status().balance(), account.balance().minorUnits(), when + ": " + card + " and its account at the bank");
        }
        BankApi.LedgerView ledger = clients.bank.get("/issuer/ledger", BankApi.LedgerView.class);
        ledger.totals().forEach((currency, total) -> assertEquals(0L, total, when + ": the ledger's total in " + currency));
    }

    private void startNode() throws IOException {
        node = ChildJvm.start(Main.class.getName(), List.of("serve"), dir, settings, line -> line.startsWith("data in "), line -> false);
        node.awaitReady(READY_TIMEOUT, "escudo serve listening");
    }

    /** A party's database as the node opens it, read while the node is down. */
    private Database open(Role role) {
        NodeConfig.Jdbc jdbc = config.jdbc(role);
        return Database.open(jdbc.url(), jdbc.user(), jdbc.password());
    }

    private static <K, V> Map<K, V> rows(List<Map.Entry<K, V>> entries) {
        Map<K, V> map = new HashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    private static Long nullable(long value, boolean wasNull) {
        return wasNull ? null : value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A payment the card signed, with the certificate it was sent under. */
    record PaymentInFlight(CardCertificate card, PaymentCertificate payment) {

        PaymentKey key() {
            return new PaymentKey(payment.cardNumber(), payment.serial());
        }
    }

    /** The clients of one run of the node: new connections after each restart. */
    private final class Clients implements AutoCloseable {

        final PartyClient bank = new PartyClient(config.issuerUrl(), token);
        /** The merchant's till and desk, with its operator token. */
        final PartyClient till = new PartyClient(config.merchantUrl(), token);
        /** The holder's terminal at the counter: no token. */
        final PartyClient counter = new PartyClient(config.merchantUrl());

        @Override
        public void close() {
            bank.close();
            till.close();
            counter.close();
        }
    }

    /** What one round of load confirmed, and what it left unanswered. */
    private static final class Round {

        final AtomicInteger payments = new AtomicInteger();
        final AtomicInteger topUps = new AtomicInteger();
        final AtomicInteger deposits = new AtomicInteger();
        final Queue<PaymentInFlight> unanswered = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        volatile boolean killing;

        boolean enoughDone() {
            return payments.get() >= PAYMENTS_BEFORE_KILL && topUps.get() >= TOP_UPS_BEFORE_KILL && deposits.get() >= DEPOSITS_BEFORE_KILL;
        }

        /** A request that failed on our side once the node was being killed: it may or may not have been carried out. */
        boolean noAnswer(EscudoException e) {
            return killing && e.kind() == EscudoException.Kind.INTERNAL;
        }

        /** Runs a client until the kill; anything else that stops it is a failure of the round. */
        void guard(Work work) {
            try {
                work.run();
            } catch (EscudoException e) {
                if (!noAnswer(e)) {
                    failures.add(e);
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }

        @Override
        public String toString() {
            return payments + " payments, " + topUps + " top-ups, " + deposits + " deposits";
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }
}
