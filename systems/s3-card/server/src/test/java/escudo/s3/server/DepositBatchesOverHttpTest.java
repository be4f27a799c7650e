package escudo.s3.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.bank.client.RemoteBank;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.CardAccount;
import escudo.s3.api.CardApplication;
import escudo.s3.api.DepositSummary;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.MerchantApi;
import escudo.s3.card.Card;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.ProtocolException;
import escudo.s3.server.merchant.BankLink;
import escudo.s3.server.merchant.Merchant;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A merchant can always get paid (issue 13): a backlog larger than one request goes to the bank in
 * batches that fit a node's request limit, each a fresh signed request, and an answer lost in the
 * middle of a run pays nothing twice. Bank and merchant talk real HTTP.
 */
class DepositBatchesOverHttpTest {

    /**
     * Payments in the backlog test: 20,000 in every build, which takes a minute or two on two cores;
     * {@code -Descudo.test.backlog=100000} is the longer run of issue 13's 100,000.
     */
    private static final int BACKLOG = Integer.getInteger("escudo.test.backlog", 20_000);
    private static final String PIN = "4321";

    /**
     * Cards force their state to disk at every payment; tens of thousands of payments take seconds
     * on tmpfs, where the machine has one, and minutes on a disk (as DepositClearingBenchmark does).
     */
    static final class CardsInMemory implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "escudo-cards-") : Files.createTempDirectory("escudo-cards-");
        }
    }

    @TempDir(factory = CardsInMemory.class)
    Path dir;
    private final Database bankDb = TestDatabase.create();
    private final List<AutoCloseable> open = new ArrayList<>();
    private PartyNode bankNode;
    private PartyClient bank;

    @BeforeEach
    void start() {
        bankNode = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "escudo-bank", "escudo.issuer.port", "0")))
                .database(bankDb).secrets(Secrets.ephemeral(SigningKey.generate())).start();
        bank = new PartyClient(bankNode.uri(), bankNode.operatorToken());
        bank.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("100000.00 EUR")), BankApi.Balance.class);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        bank.close();
        bankNode.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        open.add(resource);
        return resource;
    }

    private Card card(String name, String amount) {
        Card card = Card.manufacture(dir.resolve(name));
        IssuedCard issued = bank.post("/issuer/cards", new CardApplication("alice", CardKind.CASH, Money.parse(amount),
                card.userShare(), Bytes.of(card.transportKey())), IssuedCard.class);
        card.personalise(PIN, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        return card;
    }

    /** A merchant registered at the bank, with its key, its database and its HTTP link to the bank. */
    private record Shop(String id, SigningKey key, Database db, HttpBankLink link) {
        /** The merchant as its node runs it (every payment offline), started on the shop's database, reaching the bank over {@code bank}. */
        Merchant merchant(BankLink bank) {
            return new Merchant(new Merchant.Settings(id, "escudo-bank", "EUR", Long.MAX_VALUE), db, key,
                    link.bank().info().publicKey(), bank, Clock.systemUTC());
        }
    }

    private Shop shop(String id) {
        SigningKey key = SigningKey.generate();
        bank.post("/issuer/merchants", new BankApi.OpenMerchant(id, "Shop " + id, "EUR", key.verifyingKey()), BankApi.Balance.class);
        RemoteBank remote = closeLater(RemoteBank.connect(bankNode.uri(), "escudo-bank"));
        return new Shop(id, key, closeLater(TestDatabase.create()), new HttpBankLink(remote));
    }

    /** {@code count} payments the card makes at the merchant's counter, 0.01 to 0.99 EUR; their sum in minor units. */
    private static long collect(Merchant merchant, Card card, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            Money amount = Money.of(1 + i % 99, "EUR");
            PaymentSpec spec = merchant.checkout(amount, "espresso #" + i);
            assertTrue(merchant.accept(card.certificate(), card.pay(spec, PIN)).collected());
            sum += amount.minorUnits();
        }
        return sum;
    }

    private Money merchantBalance(String id) {
        return bank.get("/issuer/merchants/" + id, BankApi.Balance.class).balance();
    }

    private Money cardBalance(Card card) {
        return bank.get("/issuer/cards/" + card.certificate().cardNumber(), CardAccount.class).balance();
    }

    /** What the bank's own books say it cleared for a merchant: one row per ser#, and their sum. */
    private record Cleared(long payments, long sumMinor) {
    }

    private Cleared clearedAtTheBank(String merchantId) {
        return bankDb.inTransaction(tx -> tx.queryOne(
                "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM issuer_cleared_payment WHERE merchant_id = ?",
                r -> new Cleared(r.getLong(1), r.getLong(2)), merchantId).orElseThrow());
    }

    private void assertBooksBalance() {
        assertTrue(bank.get("/issuer/ledger", BankApi.LedgerView.class).totals().values().stream().allMatch(t -> t == 0),
                "every currency of the ledger sums to zero");
    }

    @Test
    void aBacklogBeyondOneRequestGoesInBatchesThroughTheMerchantNode() {
        // Issue 13: about 1,300 small payments were already over the 1 MiB a node accepts in one request.
        PartyNode shopNode = closeLater(PartyNode.of(Role.MERCHANT, NodeConfig.of(Map.of("escudo.merchant.id", "coffee",
                        "escudo.merchant.port", "0", "escudo.issuer.id", "escudo-bank", "escudo.issuer.url", bankNode.uri().toString(),
                        // the merchant's own till pays 1,400 times from one address, as fast as it can
                        "escudo.rate.limit", "1000000", "escudo.rate.burst", "1000000")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).start());
        PartyClient shop = closeLater(new PartyClient(shopNode.uri(), shopNode.operatorToken()));
        MerchantApi.MerchantInfo info = shop.get("/merchant", MerchantApi.MerchantInfo.class);
        bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), "Coffee", "EUR", info.publicKey()), BankApi.Balance.class);
        Card card = card("alice", "100.00 EUR");
        int count = 1_400;
        for (int i = 0; i < count; i++) {
            PaymentSpec spec = shop.post("/merchant/checkouts", new MerchantApi.Checkout(Money.parse("0.05 EUR"), "coffee"), PaymentSpec.class);
            shop.post("/merchant/payments", new MerchantApi.Payment(card.certificate(), card.pay(spec, PIN)), AcceptedPayment.class);
        }

        DepositSummary deposit = shop.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);

        assertEquals(count, deposit.sent());
        assertEquals(count, deposit.count(Outcome.CLEARED));
        assertEquals((count + DepositRequest.MAX_PAYMENTS - 1) / DepositRequest.MAX_PAYMENTS, deposit.receipts().size());
        assertEquals(0, deposit.remaining());
        assertTrue(deposit.receipts().stream().allMatch(r -> r.statuses().size() <= DepositRequest.MAX_PAYMENTS));
        assertEquals(deposit.receipts().size(), deposit.receipts().stream().map(DepositReceipt::requestNonce).distinct().count(),
                "a fresh request per batch");
        assertEquals(Money.parse("70.00 EUR"), merchantBalance("coffee"));
        assertEquals(Money.parse("30.00 EUR"), cardBalance(card));
        assertTrue(shop.get("/merchant/payments", MerchantApi.Payments.class).payments().stream().allMatch(p -> p.status() == Outcome.CLEARED));
        assertEquals(0, shop.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class).sent(), "nothing is left");
        assertBooksBalance();
    }

    @Test
    void theBankRefusesABatchOverTheProtocolMaximumWithAProblem() throws Exception {
        Shop kiosk = shop("kiosk");
        Card card = card("alice", "10.00 EUR");
        List<DepositRequest.Payment> payments = new ArrayList<>();
        for (int i = 0; i <= DepositRequest.MAX_PAYMENTS; i++) {
            PaymentSpec spec = new PaymentSpec(kiosk.id(), Instant.now(), Money.parse("0.01 EUR"), "", UUID.randomUUID().toString());
            payments.add(new DepositRequest.Payment(card.certificate(), card.pay(spec, PIN)));
        }
        // The record refuses to be built with one payment too many, so the request is written field by field.
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("merchantId", kiosk.id());
        request.put("time", Instant.now());
        request.put("nonce", UUID.randomUUID().toString());
        request.put("payments", payments);
        request.put("signature", Bytes.of(new byte[64]));

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(bankNode.uri() + "/issuer/deposits"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(request))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(400, answer.statusCode());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(answer.body().contains("\"code\":\"" + ProtocolException.MALFORMED.value() + "\""), answer.body());
        assertTrue(answer.body().contains("1 to " + DepositRequest.MAX_PAYMENTS + " payments"), answer.body());
        assertEquals(Money.parse("0.00 EUR"), merchantBalance(kiosk.id()));
    }

    /** The real link to the bank, whose answer to the {@code lost}-th deposit never arrives: the bank has done the work. */
    private record AnswerLost(BankLink bank, int lost, AtomicInteger deposits) implements BankLink {
        AnswerLost(BankLink bank, int lost) {
            this(bank, lost, new AtomicInteger());
        }

        @Override
        public DepositReceipt deposit(DepositRequest request) {
            DepositReceipt receipt = bank.deposit(request);
            if (deposits.incrementAndGet() == lost) {
                throw new EscudoException(PartyClient.UNREACHABLE, "the bank's answer was lost: connection reset");
            }
            return receipt;
        }

        @Override
        public Blacklist blacklist() {
            return bank.blacklist();
        }
    }

    @Test
    void anAnswerLostInTheMiddleOfARunIsDepositedAgainAndPaidOnce() {
        Shop kiosk = shop("kiosk");
        Card card = card("alice", "300.00 EUR");
        int count = 3 * DepositRequest.MAX_PAYMENTS + DepositRequest.MAX_PAYMENTS / 2;
        AnswerLost losing = new AnswerLost(kiosk.link(), 2);
        Merchant merchant = kiosk.merchant(losing);
        long sum = collect(merchant, card, count);

        // Batch 1 is answered, batch 2 is cleared at the bank but its answer lost, the rest never goes.
        assertEquals(PartyClient.UNREACHABLE, assertThrows(EscudoException.class, merchant::depositCollected).code());
        assertEquals(2, losing.deposits().get());
        assertEquals(count - DepositRequest.MAX_PAYMENTS, merchant.payments().stream().filter(AcceptedPayment::collected).count());
        assertEquals(2L * DepositRequest.MAX_PAYMENTS, clearedAtTheBank(kiosk.id()).payments());

        // The merchant restarts on its database and deposits again.
        DepositSummary again = kiosk.merchant(kiosk.link()).depositCollected();

        assertEquals(count - DepositRequest.MAX_PAYMENTS, again.sent());
        assertEquals(DepositRequest.MAX_PAYMENTS, again.count(Outcome.ALREADY_CLEARED), "the lost batch, answered again, paid once");
        assertEquals(count - 2 * DepositRequest.MAX_PAYMENTS, again.count(Outcome.CLEARED));
        List<AcceptedPayment> held = merchant.payments();
        assertEquals(count, held.size());
        assertTrue(held.stream().allMatch(p -> p.status() == Outcome.CLEARED || p.status() == Outcome.ALREADY_CLEARED), "every payment settled");
        assertEquals(sum, held.stream().mapToLong(p -> p.credited().minorUnits()).sum(), "credited as the bank paid it");
        assertEquals(new Cleared(count, sum), clearedAtTheBank(kiosk.id()), "the bank cleared each ser# once");
        assertEquals(Money.of(sum, "EUR"), merchantBalance(kiosk.id()), "the money moved once");
        assertEquals(Money.parse("300.00 EUR").minus(Money.of(sum, "EUR")), cardBalance(card));
        assertTrue(bank.get("/issuer/alerts", escudo.s3.api.Alerts.class).alerts().isEmpty(), "a re-sent batch is no double spend");
        assertBooksBalance();
    }

    /** As the merchant node drains it: calls of at most {@link S3Feature#BATCHES_PER_CALL} batches until none remain. */
    @Test
    void aLargeBacklogDrainsBatchByBatch() {
        Shop kiosk = shop("kiosk");
        Card card = card("alice", "60000.00 EUR");
        Merchant merchant = kiosk.merchant(kiosk.link());
        long collecting = System.nanoTime();
        long sum = collect(merchant, card, BACKLOG);
        long depositing = System.nanoTime();

        List<DepositSummary> calls = new java.util.ArrayList<>();
        for (long remaining = BACKLOG; remaining > 0; ) {
            DepositSummary call = merchant.depositCollected(S3Feature.BATCHES_PER_CALL);
            assertTrue(call.receipts().size() <= S3Feature.BATCHES_PER_CALL, "a call is bounded");
            assertEquals(remaining - call.sent(), call.remaining(), "what a call leaves is what it did not send");
            remaining = call.remaining();
            calls.add(call);
        }

        long done = System.nanoTime();
        int batches = calls.stream().mapToInt(c -> c.receipts().size()).sum();
        System.out.printf("backlog of %,d payments: collected in %.1f s, deposited in %d calls of %d batches in %.1f s%n", BACKLOG,
                (depositing - collecting) / 1e9, calls.size(), batches, (done - depositing) / 1e9);
        assertEquals(BACKLOG, calls.stream().mapToInt(DepositSummary::sent).sum());
        assertEquals(BACKLOG, calls.stream().mapToLong(c -> c.count(Outcome.CLEARED)).sum());
        assertEquals((BACKLOG + DepositRequest.MAX_PAYMENTS - 1) / DepositRequest.MAX_PAYMENTS, batches);
        assertTrue(merchant.payments().stream().allMatch(p -> p.status() == Outcome.CLEARED), "every payment CLEARED");
        assertEquals(new Cleared(BACKLOG, sum), clearedAtTheBank(kiosk.id()));
        assertEquals(Money.of(sum, "EUR"), merchantBalance(kiosk.id()), "the deposit account got exactly the sum");
        assertEquals(Money.parse("60000.00 EUR").minus(Money.of(sum, "EUR")), cardBalance(card));
        assertEquals(0, merchant.depositCollected().sent(), "nothing is left");
        assertBooksBalance();
    }
}
