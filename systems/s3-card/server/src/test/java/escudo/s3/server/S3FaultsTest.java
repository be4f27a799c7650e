package escudo.s3.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.Fault;
import escudo.node.testing.FaultProxy;
import escudo.node.testing.Resources;
import escudo.node.testing.RestartableParty;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.CardAccount;
import escudo.s3.api.CardApplication;
import escudo.s3.api.DepositSummary;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.MerchantApi;
import escudo.s3.card.Card;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.s3.server.merchant.MerchantException;
import escudo.storage.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: S3 over real HTTP with the network between the parties breaking on a fixed schedule.
 * The merchant node and the card holder's terminal reach the bank only through a {@link FaultProxy};
 * the bank and the merchant run on H2 files and are restarted in the middle of exchanges. After
 * every round the bank's books balance, each payment is paid exactly once, and once the client has
 * asked again the parties agree: the merchant's statuses are the bank's verdicts, the card holds
 * what the bank holds for it.
 */
class S3FaultsTest {

    private static final String BANK = "escudo-bank";
    private static final String SHOP = "coffee";
    private static final String PIN = "4321";
    /** The merchant clears a payment above 50.00 EUR online. */
    private static final long ONLINE_LIMIT = 50_00;
    private static final Set<Outcome> PAID = EnumSet.of(Outcome.CLEARED, Outcome.ALREADY_CLEARED);

    @TempDir
    Path dir;
    private final Secrets bankSecrets = Secrets.ephemeral(SigningKey.generate());
    private final Secrets shopSecrets = Secrets.ephemeral(SigningKey.generate());
    private volatile Database bankDb;
    private RestartableParty bank;
    private FaultProxy toBank;
    private RestartableParty shop;
    private PartyClient terminal;
    private Card card;
    private int merchantRestarts;

    @BeforeEach
    void start() {
        bank = RestartableParty.start(() -> {
            bankDb = RestartableParty.durableDatabase(dir.resolve("bank"));
            return PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0")))
                    .database(bankDb).secrets(bankSecrets).start();
        });
        toBank = FaultProxy.to(bank::uri);
        shop = RestartableParty.start(() -> PartyNode.of(Role.MERCHANT, NodeConfig.of(Map.of("escudo.merchant.id", SHOP,
                        "escudo.merchant.port", "0", "escudo.merchant.online.limit", Long.toString(ONLINE_LIMIT),
                        "escudo.issuer.id", BANK, "escudo.issuer.url", toBank.uri().toString(),
                        // the merchant's own till pays many times from one address
                        "escudo.rate.limit", "1000000", "escudo.rate.burst", "1000000")))
                .database(RestartableParty.durableDatabase(dir.resolve("shop"))).secrets(shopSecrets).start());
        desk().post("/issuer/merchants", new BankApi.OpenMerchant(SHOP, "Coffee", "EUR", shopSecrets.signingKey().verifyingKey()),
                BankApi.Balance.class);
        desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("1000.00 EUR")), BankApi.Balance.class);
        card = Card.manufacture(dir.resolve("alice-card"));
        IssuedCard issued = desk().post("/issuer/cards", new CardApplication("alice", CardKind.CASH, Money.parse("300.00 EUR"),
                card.userShare(), Bytes.of(card.transportKey())), IssuedCard.class);
        card.personalise(PIN, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        terminal = new PartyClient(toBank.uri());
    }

    @AfterEach
    void stop() {
        Resources.closeAll(terminal, shop, toBank, bank);
    }

    // ---- deposits ----

    /** One round of the schedule: the fault the next deposit meets, and whether the bank paid before the merchant heard of it. */
    private record Round(String what, Fault fault, boolean bankDidTheWork, Runnable betweenTries) {
    }

    @Test
    void depositsArePaidOnceWhateverHappensToTheRequestOrItsAnswer() {
        List<Round> schedule = List.of(
                new Round("request lost", Fault.loseRequest(), false, () -> { }),
                new Round("answer lost, then the merchant restarts", Fault.loseResponse(), true, this::restartMerchant),
                new Round("delivered twice", Fault.duplicate(), true, () -> { }),
                new Round("connection reset before the bank saw it", Fault.reset(), false, () -> { }),
                new Round("connection reset after the bank answered", Fault.resetAfterAnswer(), true, () -> { }),
                new Round("the bank restarts after paying, before answering", Fault.loseResponse().then(bank::restart), true, () -> { }),
                new Round("the bank restarts before the request reaches it", Fault.loseRequest().then(bank::restart), false, () -> { }),
                new Round("a slow network", Fault.delay(Duration.ofMillis(300)), true, () -> { }));
        int payments = 0;
        for (Round round : schedule) {
            payments += 3;
            for (int i = 0; i < 3; i++) {
                pay(Money.of(100 + payments * 10 + i, "EUR"));
            }
            toBank.plan("POST /issuer/deposits", round.fault());
            if (round.fault().answers()) {
                DepositSummary summary = deposit();
                assertEquals(3, summary.sent(), round.what());
                Outcome expected = round.fault().kind() == Fault.Kind.DUPLICATE ? Outcome.ALREADY_CLEARED : Outcome.CLEARED;
                assertEquals(3, summary.count(expected), round.what() + ": " + summary);
            } else {
                EscudoException lost = assertThrows(EscudoException.class, this::deposit, round.what());
                assertEquals(PartyClient.UNREACHABLE, lost.code(), round.what());
                assertEquals(3, merchantPayments().stream().filter(AcceptedPayment::collected).count(), "kept for the next deposit");
                round.betweenTries().run();
                DepositSummary retry = deposit();
                assertEquals(3, retry.count(round.bankDidTheWork() ? Outcome.ALREADY_CLEARED : Outcome.CLEARED), round.what() + ": " + retry);
            }
            assertEquals(0, toBank.unplayed());
            assertPaidOnceAndAgreed(payments, round.what());
        }
        report("deposits", schedule.size());
    }

    // ---- online clearing ----

    @Test
    void aPaymentAboveTheOnlineLimitClearsOnceThroughLostAnswersAndARestart() {
        // The merchant asks the bank twice before it gives up; what it could not confirm goes with the next deposit.
        record Online(String what, List<Fault> asks, boolean accepted) {
        }
        List<Online> schedule = List.of(
                new Online("first answer lost, second ask answered", List.of(Fault.loseResponse()), true),
                new Online("delivered twice", List.of(Fault.duplicate()), true),
                new Online("reset after paying, the bank restarts, asked again", List.of(Fault.resetAfterAnswer().then(bank::restart)), true),
                new Online("request lost, then the answer to the second ask lost", List.of(Fault.loseRequest(), Fault.loseResponse()), false),
                new Online("both asks reset before the bank saw them", List.of(Fault.reset(), Fault.reset()), false));
        int payments = 0;
        for (Online round : schedule) {
            toBank.plan("POST /issuer/deposits", round.asks().toArray(Fault[]::new));
            payments++;
            Money amount = Money.of(ONLINE_LIMIT + payments * 100, "EUR");
            if (round.accepted()) {
                AcceptedPayment accepted = pay(amount);
                assertTrue(PAID.contains(accepted.status()), round.what() + ": " + accepted);
            } else {
                EscudoException unavailable = assertThrows(EscudoException.class, () -> pay(amount), round.what());
                assertEquals(MerchantException.ONLINE_CLEARING_UNAVAILABLE, unavailable.code(), round.what());
                deposit(); // the merchant's next deposit learns what became of it
            }
            assertEquals(0, toBank.unplayed());
            assertPaidOnceAndAgreed(payments, round.what());
        }
        report("online clearing", schedule.size());
    }

    // ---- withdrawals (top-up) ----

    @Test
    void aTopUpWhoseAcknowledgementIsLostIsAskedForAgainAndArrivesOnce() {
        Money loaded = Money.parse("0.00 EUR");

        // The answer is lost; the card's process restarts; the card asks again with its pending request.
        toBank.plan("POST /issuer/withdrawals", Fault.loseResponse());
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), false, PIN);
        assertUnreachable(() -> terminal.post("/issuer/withdrawals", request, WithdrawalAck.class));
        assertEquals(Money.parse("320.00 EUR"), cardAccount(), "the bank moved the value");
        assertEquals(300_00, card.status().balance(), "the card never heard");
        card = Card.open(dir.resolve("alice-card"));
        WithdrawalRequest pending = card.pendingWithdrawal().orElseThrow();
        assertEquals(request, pending);
        WithdrawalAck ack = terminal.post("/issuer/withdrawals", pending, WithdrawalAck.class);
        assertEquals(ack, terminal.post("/issuer/withdrawals", pending, WithdrawalAck.class), "the same answer every time");
        card.completeWithdrawal(ack);
        loaded = loaded.plus(Money.parse("20.00 EUR"));
        assertCardAgrees(loaded, "answer lost, card restarted");

        // Delivered twice: the second delivery is answered like the first.
        toBank.plan("POST /issuer/withdrawals", Fault.duplicate());
        card.completeWithdrawal(terminal.post("/issuer/withdrawals", card.requestWithdrawal(Money.parse("15.00 EUR"), false, PIN),
                WithdrawalAck.class));
        loaded = loaded.plus(Money.parse("15.00 EUR"));
        assertCardAgrees(loaded, "delivered twice");

        // Renewing: the connection is reset after the bank answered, and the bank restarts; the answer kept survives it.
        toBank.plan("POST /issuer/withdrawals", Fault.resetAfterAnswer().then(bank::restart));
        var before = card.certificate().validUntil();
        WithdrawalRequest renewal = card.requestWithdrawal(Money.parse("10.00 EUR"), true, PIN);
        assertUnreachable(() -> terminal.post("/issuer/withdrawals", renewal, WithdrawalAck.class));
        WithdrawalAck renewed = terminal.post("/issuer/withdrawals", card.pendingWithdrawal().orElseThrow(), WithdrawalAck.class);
        assertTrue(renewed.renewed().isPresent());
        card.completeWithdrawal(renewed);
        assertTrue(card.certificate().validUntil().isAfter(before));
        loaded = loaded.plus(Money.parse("10.00 EUR"));
        assertCardAgrees(loaded, "reset after the answer, bank restarted");

        // Lost or reset before the bank saw it: asking again is the first time the bank hears of it.
        for (Fault beforeTheBank : List.of(Fault.loseRequest(), Fault.reset())) {
            toBank.plan("POST /issuer/withdrawals", beforeTheBank);
            WithdrawalRequest unseen = card.requestWithdrawal(Money.parse("5.00 EUR"), false, PIN);
            assertUnreachable(() -> terminal.post("/issuer/withdrawals", unseen, WithdrawalAck.class));
            assertEquals(Money.parse("300.00 EUR").plus(loaded), cardAccount(), "nothing moved");
            card.completeWithdrawal(terminal.post("/issuer/withdrawals", card.pendingWithdrawal().orElseThrow(), WithdrawalAck.class));
            loaded = loaded.plus(Money.parse("5.00 EUR"));
            assertCardAgrees(loaded, beforeTheBank.toString());
        }
        assertEquals(0, toBank.unplayed());
        report("withdrawals", 5);
    }

    // ---- the parties and their books ----

    private PartyClient desk() {
        return bank.desk();
    }

    /** The till: the merchant's own token. */
    private PartyClient shopClient() {
        return shop.desk();
    }

    private void restartMerchant() {
        shop.restart();
        merchantRestarts++;
    }

    private AcceptedPayment pay(Money amount) {
        PaymentSpec spec = shopClient().post("/merchant/checkouts", new MerchantApi.Checkout(amount, "coffee"), PaymentSpec.class);
        return shopClient().post("/merchant/payments", new MerchantApi.Payment(card.certificate(), card.pay(spec, PIN)), AcceptedPayment.class);
    }

    private DepositSummary deposit() {
        return shopClient().post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
    }

    private List<AcceptedPayment> merchantPayments() {
        return shopClient().get("/merchant/payments", MerchantApi.Payments.class).payments();
    }

    private Money cardAccount() {
        return desk().get("/issuer/cards/" + card.certificate().cardNumber(), CardAccount.class).balance();
    }

    private Money balance(String path) {
        return desk().get(path, BankApi.Balance.class).balance();
    }

    /**
     * The books balance; the bank cleared every one of the merchant's {@code payments} payments
     * once, the merchant holds each as paid, and the money moved once: the merchant's deposit
     * account holds their sum, the card account the rest.
     */
    private void assertPaidOnceAndAgreed(int payments, String round) {
        assertBooksBalance(round);
        List<AcceptedPayment> held = merchantPayments();
        assertEquals(payments, held.size(), round);
        assertTrue(held.stream().allMatch(p -> PAID.contains(p.status())), round + ": the merchant holds every payment as paid: " + held);
        Set<String> atTheMerchant = held.stream().map(p -> p.cardNumber() + "#" + p.serial()).collect(Collectors.toSet());
        List<String> atTheBank = bankDb.inTransaction(tx -> tx.query(
                "SELECT card_number, serial FROM issuer_cleared_payment WHERE merchant_id = ?",
                r -> r.getString(1) + "#" + r.getLong(2), SHOP));
        assertEquals(payments, atTheBank.size(), round + ": one cleared row per payment");
        assertEquals(atTheMerchant, Set.copyOf(atTheBank), round + ": the same payments on both sides");
        Money sum = held.stream().map(AcceptedPayment::amount).reduce(Money.parse("0.00 EUR"), Money::plus);
        assertEquals(sum, held.stream().map(AcceptedPayment::credited).reduce(Money.parse("0.00 EUR"), Money::plus),
                round + ": credited as the bank paid");
        assertEquals(sum, balance("/issuer/merchants/" + SHOP), round + ": the merchant was paid each payment once");
        assertEquals(Money.parse("300.00 EUR").minus(sum), cardAccount(), round + ": the card account paid each once");
    }

    /** The value loaded arrived once: on the card, in the card account, and out of the customer's account. */
    private void assertCardAgrees(Money loaded, String round) {
        assertBooksBalance(round);
        assertTrue(card.pendingWithdrawal().isEmpty(), round + ": nothing left pending");
        Money onTheCard = Money.of(card.status().balance(), "EUR");
        assertEquals(Money.parse("300.00 EUR").plus(loaded), onTheCard, round);
        assertEquals(onTheCard, cardAccount(), round + ": the card holds what the bank holds for it");
        assertEquals(Money.parse("700.00 EUR").minus(loaded), balance("/issuer/customers/alice"), round + ": the customer paid once");
    }

    private void assertBooksBalance(String round) {
        assertTrue(desk().get("/issuer/ledger", BankApi.LedgerView.class).totals().values().stream().allMatch(t -> t == 0),
                round + ": every currency of the ledger sums to zero");
    }

    private static void assertUnreachable(org.junit.jupiter.api.function.Executable call) {
        assertEquals(PartyClient.UNREACHABLE, assertThrows(EscudoException.class, call).code());
    }

    /** The figures docs/reliability.md quotes. */
    private void report(String what, int rounds) {
        System.out.printf("S3 %s: %d rounds, %d requests to the bank, %d faults injected, %d bank restarts, %d merchant restarts%n",
                what, rounds, toBank.exchanges().size(), toBank.faultsInjected(), bank.restarts(), merchantRestarts);
    }
}
