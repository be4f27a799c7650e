package escudo.s3.server.simulation;

import escudo.bank.Bank;
import escudo.bank.BankException;
import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.Digest;
import escudo.crypto.SigningKey;
import escudo.cardos.CardOs;
import escudo.http.PartyClient;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.CardApplication;
import escudo.s3.api.DepositSummary;
import escudo.s3.api.IssuedCard;
import escudo.s3.card.Card;
import escudo.s3.card.CardException;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.ProtocolException;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.s3.server.S3Feature;
import escudo.s3.server.issuer.Issuer;
import escudo.s3.server.issuer.IssuerException;
import escudo.s3.server.merchant.Merchant;
import escudo.s3.server.merchant.MerchantException;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A seeded simulation of S3 in one process, in the spirit of TigerBeetle's VOPR: the bank (the
 * issuer on its database), three merchants (each on its own database, linked to the bank through
 * a network that loses and duplicates messages, each running its node's job that deletes unpaid
 * checkouts long expired) and up to eight cards of the bank's customers, on one clock that the
 * simulation moves. One {@link SplittableRandom} from the seed chooses every
 * operation, amount, card, merchant, fault and clock advance; after every step {@link Invariants}
 * compare the parties with each other and with the simulation's own model of what must have
 * happened. The first broken invariant stops the run with the seed, the step and the last steps.
 *
 * <p>What is not drawn from the seed: keys, nonces, PIN salts, checkout references and card
 * numbers come from SecureRandom inside the code under test. No decision of the simulation and no
 * outcome depends on them: the trace names cards and shops by index, and a merchant reads its
 * backlog oldest first, by accepted time, which the clock makes distinct per payment (every step
 * moves it by at least a millisecond), so card numbers never decide an order that matters.
 */
final class Simulation implements AutoCloseable {

    static final Currency EUR = Money.currency("EUR");
    static final String BANK_ID = "sim-bank";
    static final Instant START = Instant.parse("2031-03-03T09:00:00Z");
    /** Short, so that a run of a few thousand steps sees certificates expire and renew. */
    static final Duration CARD_VALIDITY = Duration.ofDays(20);
    static final int CREDIT_FEE_BASIS_POINTS = 150;
    static final int MAX_CARDS = 8;
    static final int FIRST_CARDS = 4;
    static final long[] ONLINE_LIMITS = {30_00, 80_00, 150_00};
    static final int TRACE_TAIL = 40;
    /** The run is single-threaded (H2 in memory runs in the caller's thread): its thread's CPU time is the run's cost. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** A payment's identity at the bank: its card and ser#. */
    record PaymentKey(String cardNumber, long serial) {
        static PaymentKey of(PaymentCertificate payment) {
            return new PaymentKey(payment.cardNumber(), payment.serial());
        }
    }

    /** A payment the bank answered CLEARED: to whom, how much, how much the merchant got. */
    record Cleared(String merchantId, long amount, long credited) {
    }

    /** What a run did. */
    record Result(long seed, int steps, String fingerprint, Map<String, Integer> operations, Map<String, Integer> outcomes,
            Map<Faults.Fault, Integer> faults, int doubleSpendsCaught, int cards, Duration simulated, long millis,
            long cpuMillis, long checkCpuMillis) {
    }

    /** A payment a merchant stored, kept to present it again. */
    private record Presented(int shop, CardCertificate card, PaymentCertificate payment) {
    }

    final long seed;
    final int steps;
    final SplittableRandom random;
    final TestClock clock = new TestClock(START);
    final Faults faults;
    final Path workDir;
    final Database bankDb = TestDatabase.create();
    final SigningKey bankKey = SigningKey.generate();
    final Bank bank = new Bank(BANK_ID, bankKey.verifyingKey(), bankDb, clock);
    final Issuer issuer = new Issuer(new Issuer.Settings(BANK_ID, CARD_VALIDITY, CREDIT_FEE_BASIS_POINTS), bank, bankKey);
    final List<Shop> shops = new ArrayList<>();
    final List<Holder> holders = new ArrayList<>();
    final Map<String, Holder> byCardNumber = new LinkedHashMap<>();
    /** Customer id to the ledger account of the customer's current account. */
    final Map<String, String> customers = new LinkedHashMap<>();
    final Books books = new Books();
    final Trace trace = new Trace(TRACE_TAIL);

    /** Per (card, ser#): the digests of the distinct payments the bank processed under it. */
    final Map<PaymentKey, Set<String>> delivered = new LinkedHashMap<>();
    /** Per (card, ser#): the one payment the bank answered CLEARED. */
    final Map<PaymentKey, Cleared> cleared = new LinkedHashMap<>();
    /** Per (card, ser#): the shops that stored a payment under it. */
    final Map<PaymentKey, Set<Integer>> storedAt = new LinkedHashMap<>();
    private final List<Presented> presented = new ArrayList<>();
    /** What the current step found wrong before the invariants ran. */
    final List<String> violations = new ArrayList<>();

    /** How often merchants deposit and the network goes quiet: per seed, so some seeds build up long backlogs. */
    private final int depositWeight;
    private final int settleWeight;
    private final Consumer<Simulation> sabotage;
    private final int sabotageStep;
    int step;
    private long checkCpuNanos;
    private int manufactured;
    private int clones;

    Simulation(long seed, int steps, Path workDir) {
        this(seed, steps, workDir, -1, sim -> { });
    }

    /** A run that does {@code sabotage} to the parties before step {@code sabotageStep}'s checks: to prove the checks catch it. */
    Simulation(long seed, int steps, Path workDir, int sabotageStep, Consumer<Simulation> sabotage) {
        this.seed = seed;
        this.steps = steps;
        this.workDir = workDir;
        this.random = new SplittableRandom(seed);
        this.faults = new Faults(random);
        this.depositWeight = 2 + random.nextInt(11);
        this.settleWeight = random.nextInt(3) == 0 ? 0 : 1;
        this.sabotageStep = sabotageStep;
        this.sabotage = sabotage;
    }

    /** Runs every step and a final fault-free settlement; throws {@link SimulationFailure} at the first broken invariant. */
    Result run() {
        long started = System.nanoTime();
        long cpuStarted = CPU.getCurrentThreadCpuTime();
        step = 0;
        setUp();
        check();
        for (step = 1; step <= steps; step++) {
            clock.advance(Duration.ofMillis(1 + random.nextInt(5_000))); // think time; never zero, see the class comment
            runCleanupJobs();
            record(chooseOperation());
            if (step == sabotageStep) {
                sabotage.accept(this);
            }
            check();
        }
        record(new Operation("settle", this::settle));
        check();
        long doubleSpends = delivered.values().stream().filter(digests -> digests.size() > 1).count();
        return new Result(seed, steps, trace.fingerprint(), trace.operations(), trace.outcomes(), faults.byKind(),
                (int) doubleSpends, holders.size(), Duration.between(START, clock.instant()), (System.nanoTime() - started) / 1_000_000,
                (CPU.getCurrentThreadCpuTime() - cpuStarted) / 1_000_000, checkCpuNanos / 1_000_000);
    }

    @Override
    public void close() {
        for (Shop shop : shops) {
            shop.db.close();
        }
        bankDb.close();
    }

    // ---- the run ----

    private record Operation(String name, Supplier<String> run) {
    }

    private void record(Operation operation) {
        trace.countOperation(operation.name());
        String line;
        try {
            line = operation.run().get();
        } catch (RuntimeException | AssertionError e) {
            throw failure(List.of(operation.name() + " threw " + e), e);
        }
        List<String> notes = faults.drainNotes();
        trace.add(String.format("%04d %s %s%s", step, elapsed(), line, notes.isEmpty() ? "" : " " + notes));
    }

    private void check() {
        List<String> found = new ArrayList<>(violations);
        violations.clear();
        long cpu = CPU.getCurrentThreadCpuTime();
        found.addAll(Invariants.check(this));
        checkCpuNanos += CPU.getCurrentThreadCpuTime() - cpu;
        if (!found.isEmpty()) {
            throw failure(found, null);
        }
    }

    private SimulationFailure failure(List<String> found, Throwable cause) {
        StringBuilder report = new StringBuilder()
                .append("S3 simulation, seed ").append(seed).append(", step ").append(step).append(" of ").append(steps)
                .append(" (simulated time ").append(elapsed()).append("; network: ").append(faults.describe())
                .append("; deposit weight ").append(depositWeight).append(", settle weight ").append(settleWeight).append(")\n");
        found.forEach(v -> report.append("  broken: ").append(v).append('\n'));
        report.append("reproduce: ./mvnw -o -B -pl systems/s3-card/server -am verify -Dtest=SimulationTest")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false -Descudo.sim.seed=").append(seed)
                .append(" -Descudo.sim.steps=").append(steps).append('\n')
                .append("last ").append(trace.lastLines().size()).append(" steps:\n");
        trace.lastLines().forEach(line -> report.append("  ").append(line).append('\n'));
        return new SimulationFailure(report.toString(), cause);
    }

    private Operation chooseOperation() {
        boolean roomForCards = holders.size() < MAX_CARDS;
        boolean copies = holders.stream().anyMatch(h -> h.snapshot != null);
        boolean checkouts = shops.stream().anyMatch(s -> !s.openCheckouts.isEmpty());
        boolean pending = holders.stream().anyMatch(h -> h.pending != null);
        List<Map.Entry<Integer, Operation>> menu = new ArrayList<>();
        menu.add(Map.entry(30, new Operation("purchase", this::purchase)));
        menu.add(Map.entry(5, new Operation("checkout", this::openCheckout)));
        menu.add(Map.entry(checkouts ? 6 : 0, new Operation("pay a waiting checkout", this::payOpenCheckout)));
        menu.add(Map.entry(10, new Operation("top-up", () -> topUp(false))));
        menu.add(Map.entry(1, new Operation("renewal", () -> topUp(true))));
        menu.add(Map.entry(pending ? 3 : 0, new Operation("withdrawal sent again", this::resendWithdrawal)));
        menu.add(Map.entry(depositWeight, new Operation("deposit", this::deposit)));
        menu.add(Map.entry(4, new Operation("blacklist refresh", this::refreshBlacklist)));
        menu.add(Map.entry(8, new Operation("clock advance", this::advanceClock)));
        menu.add(Map.entry(roomForCards ? 2 : 0, new Operation("card issue", this::issueCard)));
        menu.add(Map.entry(2, new Operation("card copied", this::copyCard)));
        menu.add(Map.entry(copies ? 2 : 0, new Operation("clone spends", this::cloneSpends)));
        menu.add(Map.entry(presented.isEmpty() ? 0 : 2, new Operation("payment presented again", this::presentAgain)));
        menu.add(Map.entry(1, new Operation("merchant restart", this::restartMerchant)));
        menu.add(Map.entry(1, new Operation("merchant offline", this::goOffline)));
        menu.add(Map.entry(settleWeight, new Operation("settle", this::settle)));
        int total = menu.stream().mapToInt(Map.Entry::getKey).sum();
        int draw = random.nextInt(total);
        for (Map.Entry<Integer, Operation> entry : menu) {
            draw -= entry.getKey();
            if (draw < 0) {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("no operation drawn");
    }

    private void setUp() {
        for (int i = 0; i < ONLINE_LIMITS.length; i++) {
            shops.add(openShop(i, ONLINE_LIMITS[i]));
        }
        books.open(Bank.cashAccount(EUR));
        books.open(Bank.ownAccount(EUR));
        List<String> lines = new ArrayList<>();
        for (int tries = 0; holders.size() < FIRST_CARDS && tries < 20; tries++) {
            lines.add(issueCard());
        }
        trace.add("0000 " + elapsed() + " set-up: " + shops.size() + " shops (online limits "
                + shops.stream().map(s -> money(s.onlineLimit())).collect(Collectors.joining(", ")) + "); " + lines);
    }

    private Shop openShop(int index, long onlineLimit) {
        String id = "shop" + index;
        SigningKey key = SigningKey.generate();
        bank.openMerchant(id, "Shop " + index, EUR.getCurrencyCode(), key.verifyingKey());
        String account = bankDb.inTransaction(tx -> bank.merchant(tx, id)).accountId();
        books.open(account);
        Merchant.Settings settings = new Merchant.Settings(id, BANK_ID, EUR.getCurrencyCode(), onlineLimit);
        // The shop is the index-th of the list once set up; its link asks it whether its line is down.
        Shop shop = new Shop(index, settings, TestDatabase.create(), key,
                new FaultyBankLink(issuer, faults, this::processed, "shop" + index, () -> step < shops.get(index).offlineUntilStep), account);
        shop.merchant = newMerchant(shop);
        return shop;
    }

    private Merchant newMerchant(Shop shop) {
        return new Merchant(shop.settings, shop.db, shop.key, issuer.publicKey(), shop.link, clock);
    }

    // ---- operations: customers and cards ----

    /** A customer opens an account (or an existing one asks for another card) and a card is issued and personalised. */
    private String issueCard() {
        String customerId;
        String line;
        if (customers.isEmpty() || random.nextInt(100) < 70) {
            customerId = "customer" + (customers.size() + 1);
            long deposit = 100_00 + random.nextLong(3_000_00);
            bank.openCustomer(customerId, "Customer " + (customers.size() + 1), new Money(deposit, EUR));
            String account = bankDb.inTransaction(tx -> bank.customer(tx, customerId)).accountId();
            customers.put(customerId, account);
            books.open(account);
            books.move(Bank.cashAccount(EUR), account, deposit);
            line = customerId + " opens an account with " + money(deposit);
        } else {
            customerId = pick(List.copyOf(customers.keySet()));
            line = customerId + " asks for another card";
        }
        String customerAccount = customers.get(customerId);
        CardKind kind = random.nextInt(4) == 0 ? CardKind.CREDIT : CardKind.CASH;
        long amount = kind == CardKind.CREDIT ? 100_00 + random.nextLong(1_400_00)
                : random.nextInt(10) == 0 ? books.balance(customerAccount) + 1 + random.nextLong(100_00)
                : random.nextLong(400_00);
        String pin = String.format("%04d", random.nextInt(10_000));
        Path directory = workDir.resolve("card-" + ++manufactured);
        Card card = CardsOnClock.manufacture(directory, clock);
        ErrorCode predicted = kind == CardKind.CASH && amount > books.balance(customerAccount) ? BankException.INSUFFICIENT_FUNDS : null;
        String what = line + "; a " + kind + " card of " + money(amount);
        IssuedCard issued;
        try {
            issued = issuer.issueCard(new CardApplication(customerId, kind, new Money(amount, EUR), card.userShare(), Bytes.of(card.transportKey())));
        } catch (EscudoException e) {
            expect(predicted, e, what);
            return what + ": refused (" + counted(e.code()) + ")";
        }
        expect(predicted, null, what);
        card.personalise(pin, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        Holder holder = new Holder(holders.size(), customerId, kind, pin, directory, card,
                kind == CardKind.CREDIT ? amount : 0, kind == CardKind.CASH ? amount : 0);
        books.open(holder.account);
        if (kind == CardKind.CASH && amount > 0) {
            books.move(customerAccount, holder.account, amount);
        }
        holders.add(holder);
        byCardNumber.put(holder.cardNumber, holder);
        return what + ": issued as " + holder.label();
    }

    /** Seed 003, Fig. 10: a top-up (a settlement for a credit card), or a zero-value renewal of the CARD-CERT. */
    private String topUp(boolean renewalOnly) {
        Holder h = pick(holders);
        long amount = renewalOnly ? 0 : topUpAmount(h);
        boolean renew = renewalOnly || random.nextInt(100) < 15;
        boolean rightPin = random.nextInt(100) >= 3;
        String what = h.label() + (renewalOnly ? " asks for a renewed certificate" : " tops up " + money(amount) + (renew ? " and renews" : ""))
                + (rightPin ? "" : " with a wrong PIN");
        ErrorCode predicted = h.locked() ? CardException.LOCKED : rightPin ? null : CardException.WRONG_PIN;
        WithdrawalRequest request;
        try {
            request = h.card.requestWithdrawal(new Money(amount, EUR), renew, rightPin ? h.pin : wrongPin(h.pin));
        } catch (EscudoException e) {
            pinTried(h, rightPin);
            expect(predicted, e, what);
            return what + ": card refuses (" + counted(e.code()) + ")";
        }
        pinTried(h, rightPin);
        expect(predicted, null, what);
        h.pending = request;
        h.nextSequence++;
        return what + ": " + sendWithdrawal(h, request);
    }

    private long topUpAmount(Holder h) {
        if (h.kind == CardKind.CREDIT) {
            long used = h.creditLimit - h.cardBalance;
            return used <= 0 || random.nextInt(10) == 0 ? used + 1 + random.nextLong(50_00) : 1 + random.nextLong(used);
        }
        return random.nextInt(20) == 0 ? books.balance(customers.get(h.customerId)) + 1 + random.nextLong(100_00) : 5_00 + random.nextLong(250_00);
    }

    /** The terminal asks the card for the request it still waits on (kept on the card's disk) and sends it again. */
    private String resendWithdrawal() {
        Holder h = pick(holders.stream().filter(x -> x.pending != null).toList());
        WithdrawalRequest kept = h.card.pendingWithdrawal().orElse(null);
        if (!h.pending.equals(kept)) {
            violations.add(h.label() + " gives back " + kept + " as its pending withdrawal, not the request it sent: " + h.pending);
            return h.label() + " has lost its pending withdrawal seq# " + h.pending.sequence();
        }
        return h.label() + " sends its pending withdrawal seq# " + kept.sequence() + " again: " + sendWithdrawal(h, kept);
    }

    /** The request goes to the bank over the simulated network; an acknowledgement that arrives completes it on the card. */
    private String sendWithdrawal(Holder h, WithdrawalRequest request) {
        Faults.Fault fault = faults.next();
        if (fault == Faults.Fault.LOSE_REQUEST) {
            faults.lost(h.label() + " withdrawal", fault);
            return "request lost";
        }
        Answer answer = callBank(h, request);
        if (fault == Faults.Fault.DUPLICATE) {
            Answer second = callBank(h, request);
            boolean firstWins = faults.firstAnswerWins();
            faults.note(h.label() + " withdrawal delivered twice, " + (firstWins ? "first" : "second") + " answer kept");
            answer = firstWins ? answer : second;
        }
        if (fault == Faults.Fault.LOSE_RESPONSE) {
            faults.lost(h.label() + " withdrawal", fault);
            return "bank " + answer.describe() + ", answer lost";
        }
        if (answer.ack() == null) {
            return "bank " + answer.describe();
        }
        WithdrawalAck ack = answer.ack();
        try {
            h.card.completeWithdrawal(ack);
        } catch (EscudoException e) {
            violations.add(h + " refused the bank's acknowledgement of seq# " + ack.sequence() + ": " + e.code() + " " + e.getMessage());
            return "bank acknowledges, card refuses (" + e.code().value() + ")";
        }
        h.cardBalance += ack.amount().minorUnits();
        h.pending = null;
        // A renewal answered long ago and received only now may have expired on the way: the card keeps its certificate.
        Optional<CardCertificate> renewed = ack.renewed().filter(c -> clock.instant().isBefore(c.validUntil()));
        renewed.ifPresent(c -> h.certificate = c);
        return "acknowledged, card completes" + (renewed.isPresent() ? " with a renewed certificate"
                : ack.renewed().isPresent() ? " leaving aside a renewal " + counted("expired before it arrived") : "");
    }

    private record Answer(WithdrawalAck ack, ErrorCode refusal) {
        String describe() {
            return ack != null ? "acknowledges" : "refuses (" + refusal.value() + ")";
        }
    }

    /**
     * One delivery of a withdrawal request: the bank's verdict must be the one the model predicts
     * (seed 003, step 880, in the order WithdrawalDesk checks), and an acknowledgement moves the
     * amount from the customer to the card account once, whatever is re-sent afterwards.
     */
    private Answer callBank(Holder h, WithdrawalRequest request) {
        boolean acknowledgedBefore = request.sequence() <= h.lastAcknowledgedSequence;
        ErrorCode predicted = acknowledgedBefore ? null : bankVerdict(h, request);
        WithdrawalAck ack = null;
        ErrorCode refusal = null;
        try {
            ack = issuer.withdraw(request);
        } catch (EscudoException e) {
            refusal = e.code();
            if (e.kind() == EscudoException.Kind.INTERNAL) {
                violations.add("the bank failed on " + h.label() + "'s withdrawal seq# " + request.sequence() + ": " + e);
            }
        }
        String what = h.label() + "'s withdrawal seq# " + request.sequence() + " of " + money(request.amount().minorUnits());
        if (refusal != null) {
            counted(refusal);
            if (refusal == IssuerException.BALANCE_MISMATCH && !h.compromised) {
                // The bank's rule, predicted below: a re-sent request whose first delivery was lost
                // claims the balance of its time; spent and cleared since, it reads as a mismatch.
                counted("issuer.balance-mismatch alerted on an honest card's re-sent request");
            }
        }
        if (acknowledgedBefore) {
            // Answered before (issuer V3): the identical request gets the very acknowledgement the
            // bank kept for it, however late, unless the card was blacklisted since. Never a second top-up.
            ErrorCode expected = issuer.card(h.cardNumber).blacklisted() ? IssuerException.CARD_BLACKLISTED
                    : request.equals(h.lastAcknowledgedRequest) ? null : IssuerException.REPLAYED_REQUEST;
            if (!Objects.equals(expected, refusal)) {
                violations.add(what + ", sent again after its acknowledgement: the bank should have " + verdict(expected)
                        + " but " + verdict(refusal));
            }
            if (ack != null && !ack.equals(h.lastAck)) {
                violations.add(what + " was acknowledged twice with different answers: " + h.lastAck + " then " + ack);
            }
            if (ack != null) {
                counted("withdrawal acknowledged again");
            }
            return new Answer(ack, refusal);
        }
        if (!Objects.equals(predicted, refusal)) {
            violations.add(what + ": the bank should have " + verdict(predicted) + " but " + verdict(refusal)
                    + " (card claims " + money(request.cardBalance().minorUnits()) + ", the model's card account "
                    + money(books.balance(h.account)) + ", customer " + money(books.balance(customers.get(h.customerId))) + ")");
        }
        if (ack != null) {
            long amount = request.amount().minorUnits();
            if (ack.sequence() != request.sequence() || !ack.amount().equals(request.amount())
                    || !ack.newBalance().equals(request.cardBalance().plus(request.amount()))
                    || ack.renewed().isPresent() != request.renew()) {
                violations.add(what + " was answered with an acknowledgement that does not match it: " + ack);
            }
            if (amount > 0) {
                books.move(customers.get(h.customerId), h.account, amount);
            }
            h.toppedUp += amount;
            h.lastAcknowledgedSequence = request.sequence();
            h.lastAcknowledgedRequest = request;
            h.lastAck = ack;
        }
        return new Answer(ack, refusal);
    }

    /** What the bank must answer to a new request, in the order WithdrawalDesk checks; null for an acknowledgement. */
    private ErrorCode bankVerdict(Holder h, WithdrawalRequest request) {
        if (issuer.card(h.cardNumber).blacklisted()) {
            return IssuerException.CARD_BLACKLISTED;
        }
        if (Duration.between(request.time(), clock.instant()).abs().compareTo(Issuer.FRESHNESS) > 0) {
            return IssuerException.STALE_REQUEST;
        }
        long claimed = request.cardBalance().minorUnits();
        if (claimed > h.bankSide(books.balance(h.account))) {
            return IssuerException.BALANCE_MISMATCH;
        }
        long amount = request.amount().minorUnits();
        if (h.kind == CardKind.CREDIT && claimed + amount > h.creditLimit) {
            return IssuerException.OVER_CREDIT_LIMIT;
        }
        if (amount > books.balance(customers.get(h.customerId))) {
            return BankException.INSUFFICIENT_FUNDS;
        }
        return null;
    }

    // ---- operations: paying ----

    /** Seed 003, Fig. 8: the merchant presents a specification, the card signs it, the merchant accepts the payment. */
    private String purchase() {
        Holder h = pick(holders);
        Shop s = pick(shops);
        long amount = purchaseAmount(h, s);
        boolean rightPin = random.nextInt(100) >= 4;
        PaymentSpec spec = presentCheckout(s, amount, "simulated purchase");
        return h.label() + " pays " + money(amount) + " at " + s.label() + (rightPin ? "" : " with a wrong PIN") + ": " + pay(h, s, spec, rightPin);
    }

    private long purchaseAmount(Holder h, Shop s) {
        int draw = random.nextInt(100);
        if (draw < 10) {
            return s.onlineLimit() + 1 + random.nextLong(s.onlineLimit()); // cleared online before acceptance
        }
        if (draw < 18) {
            return Math.max(1, h.cardBalance + 1 + random.nextLong(20_00)); // more than the card holds
        }
        return 1 + random.nextLong(Math.max(1_00, Math.min(h.cardBalance, 60_00)));
    }

    /** A merchant presents a specification that a card pays later (or never), while other things happen. */
    private String openCheckout() {
        Shop s = pick(shops);
        long amount = 1 + random.nextLong(60_00);
        s.openCheckouts.add(presentCheckout(s, amount, "waiting purchase"));
        if (s.openCheckouts.size() > 6) {
            s.openCheckouts.removeFirst();
        }
        return s.label() + " presents a checkout of " + money(amount);
    }

    /**
     * The till presents a checkout and the holder's terminal fetches it by its reference (the open
     * GET /merchant/checkouts/{reference}): the very specification the till made.
     */
    private PaymentSpec presentCheckout(Shop s, long amount, String details) {
        PaymentSpec spec = s.merchant.checkout(new Money(amount, EUR), details);
        s.unpaid.put(spec.reference(), spec.time());
        PaymentSpec fetched = s.merchant.presented(spec.reference());
        if (!fetched.equals(spec)) {
            violations.add(s.label() + "'s terminal fetched " + fetched + " for the checkout its till presented as " + spec);
        }
        return spec;
    }

    /**
     * A checkout presented a while ago is paid: half the time the terminal fetches it again first
     * and pays only what it is given, else the card signs the specification the terminal showed
     * then, and the merchant's acceptance must refuse what the fetch would have.
     */
    private String payOpenCheckout() {
        Shop s = pick(shops.stream().filter(x -> !x.openCheckouts.isEmpty()).toList());
        PaymentSpec spec = s.openCheckouts.remove(random.nextInt(s.openCheckouts.size()));
        Holder h = pick(holders);
        boolean rightPin = random.nextInt(100) >= 4;
        String what = h.label() + " pays " + s.label() + "'s checkout of " + money(spec.amount().minorUnits()) + " presented "
                + Duration.between(spec.time(), clock.instant()).toSeconds() + " s ago" + (rightPin ? "" : " with a wrong PIN");
        if (random.nextBoolean()) {
            ErrorCode predicted = checkoutVerdict(s, spec);
            try {
                PaymentSpec fetched = s.merchant.presented(spec.reference());
                expect(predicted, null, what + ", fetched again");
                if (!fetched.equals(spec)) {
                    violations.add(what + ": the terminal fetched " + fetched + " instead");
                }
                return what + ", fetched again: " + pay(h, s, fetched, rightPin);
            } catch (EscudoException e) {
                expect(predicted, e, what + ", fetched again");
                return what + ": the terminal fetches it, refused (" + counted(e.code()) + ")";
            }
        }
        return what + ": " + pay(h, s, spec, rightPin);
    }

    /** What the merchant says of a checkout it presented, in the order Merchant.presented and claimCheckout check; null if payable. */
    private ErrorCode checkoutVerdict(Shop s, PaymentSpec spec) {
        return s.forgotten.contains(spec.reference()) ? MerchantException.UNKNOWN_CHECKOUT
                : !s.unpaid.containsKey(spec.reference()) ? MerchantException.DUPLICATE_PAYMENT
                : clock.instant().isAfter(spec.time().plus(Merchant.CHECKOUT_LIFETIME)) ? MerchantException.CHECKOUT_EXPIRED
                : null;
    }

    /** The merchant's node deletes unpaid checkouts long expired every few minutes: as due, before the step's operation. */
    private void runCleanupJobs() {
        Instant now = clock.instant();
        for (Shop s : shops) {
            if (now.isBefore(s.nextCleanup)) {
                continue;
            }
            s.nextCleanup = now.plus(S3Feature.CHECKOUT_CLEANUP);
            Instant before = now.minus(Merchant.UNPAID_CHECKOUT_RETENTION);
            List<String> due = s.unpaid.entrySet().stream().filter(e -> e.getValue().isBefore(before)).map(Map.Entry::getKey).toList();
            int deleted = s.merchant.forgetExpiredCheckouts();
            if (deleted != due.size()) {
                violations.add(s.label() + "'s cleanup deleted " + deleted + " checkouts, the model expects the " + due.size()
                        + " unpaid ones presented over " + Merchant.UNPAID_CHECKOUT_RETENTION + " ago");
            }
            due.forEach(reference -> {
                s.unpaid.remove(reference);
                s.forgotten.add(reference);
            });
            if (deleted > 0) {
                trace.countOutcome("unpaid checkouts deleted", deleted);
                faults.note(s.label() + " forgets " + deleted + " unpaid checkouts");
            }
        }
    }

    /** The genuine card signs (or refuses, as predicted), then the merchant accepts (or refuses, as predicted). */
    private String pay(Holder h, Shop s, PaymentSpec spec, boolean rightPin) {
        long amount = spec.amount().minorUnits();
        ErrorCode predicted = cardVerdict(h, amount, rightPin);
        PaymentCertificate payment;
        try {
            payment = h.card.pay(spec, rightPin ? h.pin : wrongPin(h.pin));
        } catch (EscudoException e) {
            pinTried(h, rightPin);
            expect(predicted, e, h.label() + " paying " + money(amount));
            return "card refuses (" + counted(e.code()) + ")";
        }
        pinTried(h, rightPin);
        expect(predicted, null, h.label() + " paying " + money(amount));
        if (payment.serial() != h.nextSerial) {
            violations.add(h + " signed ser# " + payment.serial() + ", the model expects ser# " + h.nextSerial);
        }
        h.cardBalance -= amount;
        h.nextSerial++;
        return accept(h, h.certificate, payment, s, false);
    }

    /** What the card must do with a payment: null to sign it, else its refusal, in the order Card.pay checks. */
    private ErrorCode cardVerdict(Holder h, long amount, boolean rightPin) {
        if (h.locked()) {
            return CardException.LOCKED;
        }
        if (!rightPin) {
            return CardException.WRONG_PIN;
        }
        Instant now = clock.instant();
        if (!now.isBefore(h.certificate.validUntil()) || now.isBefore(h.certificate.validFrom())) {
            return CardException.EXPIRED;
        }
        return amount > h.cardBalance ? CardException.INSUFFICIENT_BALANCE : null;
    }

    /**
     * Seed 003, steps 410-420 and 540-570 at the merchant: the refusals before any call to the bank
     * are predicted in the order Merchant.accept checks; above the limit the bank's online answer
     * decides, and is checked by the invariants like any deposit.
     */
    private String accept(Holder h, CardCertificate certificate, PaymentCertificate payment, Shop s, boolean byClone) {
        PaymentKey key = PaymentKey.of(payment);
        PaymentSpec spec = payment.spec();
        Instant now = clock.instant();
        boolean online = spec.amount().minorUnits() > s.onlineLimit();
        ErrorCode checkout = checkoutVerdict(s, spec);
        ErrorCode predicted = spec.time().isBefore(certificate.validFrom()) ? ProtocolException.CARD_CERT_NOT_YET_VALID
                : s.merchant.isBlacklisted(h.cardNumber) ? MerchantException.CARD_BLACKLISTED
                : checkout != null ? checkout
                : storedAt.getOrDefault(key, Set.of()).contains(s.index) ? MerchantException.DUPLICATE_PAYMENT
                : null;
        int faultsBefore = faults.injected();
        AcceptedPayment accepted = null;
        ErrorCode refusal = null;
        try {
            accepted = s.merchant.accept(certificate, payment);
        } catch (EscudoException e) {
            refusal = e.code();
        }
        boolean afterStoring = refusal == MerchantException.ONLINE_CLEARING_REFUSED || refusal == MerchantException.ONLINE_CLEARING_UNAVAILABLE;
        String what = (byClone ? "a clone of " : "") + h.label() + "'s ser# " + payment.serial() + " of " + money(spec.amount().minorUnits())
                + " at " + s.label();
        if (afterStoring) {
            if (predicted != null || !online) {
                violations.add(what + ": expected " + verdict(predicted) + " but the merchant went to the bank and " + verdict(refusal));
            }
            if (refusal == MerchantException.ONLINE_CLEARING_UNAVAILABLE && faults.injected() == faultsBefore) {
                violations.add(what + ": online clearing unavailable though the network lost nothing");
            }
        } else if (refusal != predicted) {
            violations.add(what + ": the merchant should have " + verdict(predicted) + " but " + verdict(refusal));
        }
        boolean stored = refusal == null || afterStoring;
        if (stored != storedWith(s, payment)) {
            violations.add(what + ": the merchant " + (stored ? "did not store" : "stored") + " a payment it " + verdict(refusal));
        }
        if (accepted != null && online != (accepted.status() == Outcome.CLEARED || accepted.status() == Outcome.ALREADY_CLEARED)) {
            violations.add(what + ": accepted as " + accepted.status() + " with an online-clearing limit of " + money(s.onlineLimit()));
        }
        if (stored) {
            s.unpaid.remove(spec.reference());
            storedAt.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(s.index);
            presented.add(new Presented(s.index, certificate, payment));
            if (presented.size() > 50) {
                presented.removeFirst();
            }
            if (byClone) {
                h.compromised = true;
            }
        }
        if (refusal != null) {
            return "merchant refuses (" + counted(refusal) + ")";
        }
        return "accepted, " + (accepted.collected() ? "collected" : "cleared online: " + counted(accepted.status().name()));
    }

    private boolean storedWith(Shop s, PaymentCertificate payment) {
        try {
            return s.merchant.payment(payment.cardNumber(), payment.serial()).reference().equals(payment.spec().reference());
        } catch (EscudoException e) {
            if (e.code() != MerchantException.UNKNOWN_PAYMENT) {
                throw e;
            }
            return false;
        }
    }

    /** A payment the merchant holds is handed over again: never accepted twice. */
    private String presentAgain() {
        Presented p = pick(presented);
        Shop s = shops.get(p.shop());
        Holder h = byCardNumber.get(p.payment().cardNumber());
        ErrorCode predicted = !clock.instant().isBefore(p.card().validUntil()) ? ProtocolException.CARD_CERT_EXPIRED
                : s.merchant.isBlacklisted(h.cardNumber) ? MerchantException.CARD_BLACKLISTED : MerchantException.DUPLICATE_PAYMENT;
        String what = h.label() + "'s ser# " + p.payment().serial() + " is presented to " + s.label() + " again";
        ErrorCode refusal = null;
        try {
            s.merchant.accept(p.card(), p.payment());
        } catch (EscudoException e) {
            refusal = e.code();
        }
        if (refusal != predicted) {
            violations.add(what + ": the merchant should have " + verdict(predicted) + " but " + verdict(refusal));
        }
        return what + ": " + (refusal == null ? "accepted" : "refused (" + counted(refusal) + ")");
    }

    // ---- operations: clones ----

    /** Someone copies the card's two files (seed 003: the limit of a software secure element). */
    private String copyCard() {
        Holder h = pick(holders);
        h.snapshot = new Holder.Snapshot(read(h.directory.resolve(CardOs.KEY_FILE)), read(h.directory.resolve(CardOs.STATE_FILE)),
                h.nextSerial, h.cardBalance);
        return "a copy of " + h.label() + " is taken at ser# " + h.nextSerial + " holding " + money(h.cardBalance);
    }

    /** The copy, restored elsewhere, spends the value it held then: ser#s the genuine card used or will use. */
    private String cloneSpends() {
        Holder h = pick(holders.stream().filter(x -> x.snapshot != null).toList());
        Path directory = workDir.resolve("clone-" + ++clones);
        write(directory.resolve(CardOs.KEY_FILE), h.snapshot.storageKey());
        write(directory.resolve(CardOs.STATE_FILE), h.snapshot.state());
        Card clone = CardsOnClock.open(directory, clock);
        StringBuilder line = new StringBuilder("a clone of " + h.label() + " from ser# " + h.snapshot.nextSerial());
        int payments = 1 + random.nextInt(2);
        for (int i = 0; i < payments; i++) {
            Shop s = pick(shops);
            long amount = 1 + random.nextLong(Math.max(1_00, Math.min(clone.status().balance(), 80_00)));
            PaymentSpec spec = presentCheckout(s, amount, "simulated purchase");
            line.append("; pays ").append(money(amount)).append(" at ").append(s.label()).append(": ");
            PaymentCertificate payment;
            try {
                payment = clone.pay(spec, h.pin);
            } catch (EscudoException e) {
                line.append("clone refuses (").append(e.code().value()).append(')');
                continue;
            }
            line.append("ser# ").append(payment.serial()).append(", ").append(accept(h, clone.certificate(), payment, s, true));
            clock.advance(Duration.ofMillis(1));
        }
        deleteTree(directory);
        return line.toString();
    }

    // ---- operations: merchants and the bank ----

    /**
     * Seed 003, Fig. 9: the merchant deposits its collected payments through the faulty network, as
     * its node's POST /merchant/deposits does (at most {@link S3Feature#BATCHES_PER_CALL} batches),
     * or one batch only. A call that went through says truly how many payments still wait.
     */
    private String deposit() {
        Shop s = pick(shops);
        boolean oneBatch = random.nextInt(8) == 0;
        int maxBatches = oneBatch ? 1 : S3Feature.BATCHES_PER_CALL;
        int faultsBefore = faults.injected();
        try {
            DepositSummary summary = s.merchant.depositCollected(maxBatches);
            long collected = s.merchant.payments().stream().filter(AcceptedPayment::collected).count();
            if (summary.remaining() != collected || summary.receipts().size() > maxBatches
                    || (summary.receipts().size() < maxBatches && collected > 0)
                    || summary.receipts().stream().anyMatch(r -> r.statuses().size() > DepositRequest.MAX_PAYMENTS)) {
                violations.add(s.label() + "'s deposit of at most " + maxBatches + " batches of " + DepositRequest.MAX_PAYMENTS + " sent "
                        + summary.sent() + " in " + summary.receipts().size() + " batches and says " + summary.remaining()
                        + " remain, while it holds " + collected + " collected");
            }
            return s.label() + " deposits" + (oneBatch ? " one batch" : "") + ": " + describe(summary);
        } catch (EscudoException e) {
            if (e.code() != PartyClient.UNREACHABLE || faults.injected() == faultsBefore) {
                violations.add(s.label() + "'s deposit failed without a network fault: " + e.code() + " " + e.getMessage());
            }
            return s.label() + " deposits: fails (" + counted(e.code()) + ")";
        }
    }

    private String describe(DepositSummary summary) {
        Map<Outcome, Long> counts = summary.statuses().collect(Collectors.groupingBy(DepositReceipt.Status::outcome,
                () -> new java.util.EnumMap<>(Outcome.class), Collectors.counting()));
        List<String> codes = summary.statuses().map(DepositReceipt.Status::code).filter(code -> !code.isEmpty()).sorted().toList();
        return summary.sent() + " sent in " + summary.receipts().size() + " batches " + counts + (codes.isEmpty() ? "" : " " + codes)
                + ", " + summary.remaining() + " remain";
    }

    private String refreshBlacklist() {
        Shop s = pick(shops);
        int faultsBefore = faults.injected();
        try {
            Blacklist list = s.merchant.refreshBlacklist();
            Set<String> bankList = blacklistedAtBank();
            if (!Set.copyOf(list.cardNumbers()).equals(bankList)) {
                violations.add(s.label() + " fetched a blacklist of " + labels(list.cardNumbers()) + " while the bank holds " + labels(bankList));
            }
            return s.label() + " fetches the blacklist: " + labels(list.cardNumbers());
        } catch (EscudoException e) {
            if (e.code() != PartyClient.UNREACHABLE || faults.injected() == faultsBefore) {
                violations.add(s.label() + "'s blacklist refresh failed without a network fault: " + e.code() + " " + e.getMessage());
            }
            return s.label() + " fetches the blacklist: fails (" + counted(e.code()) + ")";
        }
    }

    /** The merchant's line to the bank goes down for a while: deposits and online clearing fail, payments pile up. */
    private String goOffline() {
        Shop s = pick(shops);
        int steps = 20 + random.nextInt(400);
        s.offlineUntilStep = Math.max(s.offlineUntilStep, step + steps);
        return s.label() + " loses its line to the bank until step " + s.offlineUntilStep;
    }

    private String restartMerchant() {
        Shop s = pick(shops);
        s.merchant = newMerchant(s);
        s.restarts++;
        return s.label() + " restarts on its database";
    }

    /** A quiet moment: the network delivers everything, every merchant deposits all it holds and fetches the blacklist. */
    private String settle() {
        faults.enable(false);
        try {
            List<String> parts = new ArrayList<>();
            for (Shop s : shops) {
                DepositSummary summary;
                int sent = 0;
                do { // as escudo deposit calls its node until nothing remains
                    summary = s.merchant.depositCollected(S3Feature.BATCHES_PER_CALL);
                    sent += summary.sent();
                } while (summary.remaining() > 0);
                s.merchant.refreshBlacklist();
                parts.add(s.label() + " " + sent);
            }
            return "settlement on a quiet network: every shop deposits everything (" + String.join(", ", parts)
                    + " payments) and fetches the blacklist";
        } finally {
            faults.enable(true);
        }
    }

    private String advanceClock() {
        int draw = random.nextInt(100);
        Duration by = draw < 70 ? Duration.ofSeconds(60 + random.nextInt(540))
                : draw < 90 ? Duration.ofSeconds(600 + random.nextInt(3_000))
                : draw < 98 ? Duration.ofMinutes(60 + random.nextInt(660))
                : Duration.ofHours(24 + random.nextInt(24 * 29)); // sometimes past a certificate's lifetime
        clock.advance(by);
        return "the clock moves " + by;
    }

    /**
     * Told by the faulty link of every deposit the bank processed, delivered or not: the model
     * learns what was delivered, what was cleared, and moves the money in its books.
     */
    private void processed(DepositRequest request, DepositReceipt receipt) {
        Shop shop = shops.stream().filter(s -> s.id.equals(request.merchantId())).findFirst().orElseThrow();
        for (int i = 0; i < request.payments().size(); i++) {
            PaymentCertificate payment = request.payments().get(i).payment();
            DepositReceipt.Status status = receipt.statuses().get(i);
            PaymentKey key = PaymentKey.of(payment);
            delivered.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(HexFormat.of().formatHex(Digest.sha256(payment.signedBytes())));
            Holder h = byCardNumber.get(payment.cardNumber());
            long amount = payment.spec().amount().minorUnits();
            long credited = status.credited().minorUnits();
            String what = shop.label() + "'s payment ser# " + payment.serial() + " of " + h.label() + " (" + money(amount) + ")";
            trace.countOutcome("deposit " + status.outcome() + (status.code().isEmpty() ? "" : " " + status.code()));
            switch (status.outcome()) {
                case CLEARED -> {
                    Cleared before = cleared.get(key);
                    if (before != null) {
                        violations.add(what + " cleared a second time (first for " + before.merchantId() + "): paid twice");
                    }
                    long fee = h.kind == CardKind.CREDIT ? amount * CREDIT_FEE_BASIS_POINTS / 10_000 : 0;
                    if (credited != amount - fee) {
                        violations.add(what + " credited " + money(credited) + ", expected " + money(amount - fee));
                    }
                    if (h.kind == CardKind.CREDIT) {
                        books.move(h.account, Bank.ownAccount(EUR), amount);
                        if (amount - fee > 0) {
                            books.move(Bank.ownAccount(EUR), shop.account, amount - fee);
                        }
                    } else {
                        books.move(h.account, shop.account, amount);
                    }
                    h.cleared += amount;
                    cleared.put(key, new Cleared(shop.id, amount, credited));
                }
                case ALREADY_CLEARED -> {
                    Cleared before = cleared.get(key);
                    if (before == null || !before.merchantId().equals(shop.id) || before.credited() != credited) {
                        violations.add(what + " answered ALREADY_CLEARED crediting " + money(credited) + " but the bank cleared "
                                + (before == null ? "nothing" : before) + " under it");
                    }
                }
                case REFUSED, BOUNCED -> {
                    if (credited != 0) {
                        violations.add(what + " " + status.outcome() + " yet credited " + money(credited));
                    }
                }
            }
        }
    }

    // ---- helpers ----

    Set<String> blacklistedAtBank() {
        return Set.copyOf(bankDb.inTransaction(tx -> tx.query("SELECT card_number FROM issuer_card WHERE blacklisted_at IS NOT NULL",
                r -> r.getString(1))));
    }

    String labels(java.util.Collection<String> cardNumbers) {
        return cardNumbers.stream().map(n -> byCardNumber.containsKey(n) ? byCardNumber.get(n).label() : "unknown card")
                .sorted().toList().toString();
    }

    private void pinTried(Holder h, boolean rightPin) {
        if (!h.locked()) {
            h.pinTriesLeft = rightPin ? 3 : h.pinTriesLeft - 1;
        }
    }

    private void expect(ErrorCode predicted, EscudoException actual, String what) {
        ErrorCode code = actual == null ? null : actual.code();
        if (!Objects.equals(predicted, code)) {
            violations.add(what + ": expected " + verdict(predicted) + " but " + verdict(code)
                    + (actual == null ? "" : " (" + actual.getMessage() + ")"));
        }
    }

    private static String verdict(ErrorCode code) {
        return code == null ? "to go through" : "refused with " + code.value();
    }

    private String counted(ErrorCode code) {
        return counted(code.value());
    }

    private String counted(String outcome) {
        trace.countOutcome(outcome);
        return outcome;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static String wrongPin(String pin) {
        return (char) ('0' + (pin.charAt(0) - '0' + 1) % 10) + pin.substring(1);
    }

    static String money(long minor) {
        return new Money(minor, EUR).toString();
    }

    String elapsed() {
        Duration d = Duration.between(START, clock.instant());
        return String.format("+%dd%02d:%02d:%02d.%03d", d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
