package escudo.s3.server.issuer;

import escudo.core.Bytes;
import escudo.bank.BankException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s3.card.Card;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003, Fig. 9: the bank clears a merchant's batch of offline payments. */
class DepositTest {

    @AutoClose
    private final BankFixture bank = new BankFixture();
    @TempDir
    Path dir;
    private Card card;
    private BankFixture.Shop shop;

    @BeforeEach
    void open() {
        card = bank.card(dir.resolve("alice"), "alice", CardKind.CASH, "50.00 EUR", "1234");
        shop = bank.shop("coffee");
    }

    private String cardNumber() {
        return card.certificate().cardNumber();
    }

    @Test
    void depositClearsEveryValidPaymentAndPaysTheMerchant() {
        PaymentCertificate p1 = bank.pay(card, shop, "12.50 EUR", "1234");
        PaymentCertificate p2 = bank.pay(card, shop, "2.50 EUR", "1234");
        DepositReceipt receipt = bank.deposit(shop, card, p1, p2);
        receipt.verify(bank.issuer.publicKey());
        assertEquals(List.of(Outcome.CLEARED, Outcome.CLEARED), receipt.statuses().stream().map(DepositReceipt.Status::outcome).toList());
        assertEquals(Money.parse("15.00 EUR"), bank.accounts.merchantBalance("coffee"));
        assertEquals(Money.parse("35.00 EUR"), bank.issuer.card(cardNumber()).balance());
        bank.assertBooksBalance();
    }

    @Test
    void resendingTheSameBatchPaysNothingTwice() {
        PaymentCertificate p1 = bank.pay(card, shop, "12.50 EUR", "1234");
        DepositRequest request = bank.depositRequest(shop, Map.of(card.certificate(), List.of(p1)));
        assertEquals(Outcome.CLEARED, bank.issuer.deposit(request).statuses().getFirst().outcome());
        // The identical request again (a retry after a timeout), then the same payment in a new request.
        DepositReceipt.Status again = bank.issuer.deposit(request).statuses().getFirst();
        assertEquals(Outcome.ALREADY_CLEARED, again.outcome());
        assertEquals(Money.parse("12.50 EUR"), again.credited(), "answered with what was paid the first time");
        assertEquals(Outcome.ALREADY_CLEARED, bank.deposit(shop, card, p1).statuses().getFirst().outcome());
        assertEquals(Money.parse("12.50 EUR"), bank.accounts.merchantBalance("coffee"));
        assertTrue(bank.issuer.alerts().isEmpty());
    }

    @Test
    void aNonceReusedForADifferentRequestIsAReplay() {
        PaymentCertificate p1 = bank.pay(card, shop, "1.00 EUR", "1234");
        PaymentCertificate p2 = bank.pay(card, shop, "2.00 EUR", "1234");
        DepositRequest first = bank.depositRequest(shop, Map.of(card.certificate(), List.of(p1)));
        bank.issuer.deposit(first);
        DepositRequest replay = DepositRequest.sign(shop.id(), bank.clock.instant(), first.nonce(),
                List.of(new DepositRequest.Payment(card.certificate(), p2)), shop.key());
        assertEquals(IssuerException.REPLAYED_REQUEST, assertThrows(EscudoException.class, () -> bank.issuer.deposit(replay)).code());
        assertEquals(Money.parse("1.00 EUR"), bank.accounts.merchantBalance("coffee"));
    }

    /** A copy of Alice's card directory made before she pays: the same keys, ser# and seq#. */
    private Card cloneOfAlicesCard() throws Exception {
        Path cloneDir = dir.resolve("clone");
        copy(dir.resolve("alice"), cloneDir);
        return Card.open(cloneDir);
    }

    @Test
    void clonedCardSpendingTheSameSerialTwiceIsRefusedBlacklistedAndAlerted() throws Exception {
        Card clone = cloneOfAlicesCard();
        BankFixture.Shop books = bank.shop("books");
        PaymentCertificate genuine = bank.pay(card, shop, "3.00 EUR", "1234");
        PaymentCertificate cloned = bank.pay(clone, books, "12.00 EUR", "1234");
        assertEquals(genuine.serial(), cloned.serial());

        assertEquals(Outcome.CLEARED, bank.deposit(shop, card, genuine).statuses().getFirst().outcome());
        DepositReceipt.Status status = bank.deposit(books, clone, cloned).statuses().getFirst();
        assertEquals(Outcome.REFUSED, status.outcome());
        assertEquals(IssuerException.DOUBLE_SPEND.value(), status.code());
        assertTrue(bank.issuer.card(cardNumber()).blacklisted());
        assertTrue(bank.issuer.blacklist().contains(cardNumber()));
        bank.issuer.blacklist().verify(bank.issuer.publicKey());
        assertEquals(IssuerException.DOUBLE_SPEND.value(), bank.issuer.alerts().getFirst().kind());
        assertEquals(Money.zero(Money.currency("EUR")), bank.accounts.merchantBalance("books"));
        // From now on every payment of the card is refused, even a fresh ser#.
        PaymentCertificate later = bank.pay(card, shop, "1.00 EUR", "1234");
        assertEquals(IssuerException.CARD_BLACKLISTED.value(), bank.deposit(shop, card, later).statuses().getFirst().code());
        bank.assertBooksBalance();
    }

    /**
     * Found by the S3 simulation (seed 18): a merchant whose deposit was cleared but whose answer
     * was lost sends the payment again; meanwhile a clone's double spend blacklisted the card. The
     * re-sent payment was paid and must be answered so (ALREADY_CLEARED, credited as the first
     * time), not REFUSED as blacklisted, or the merchant writes off money the bank paid it.
     */
    @Test
    void aPaymentClearedBeforeTheCardWasBlacklistedIsAlreadyClearedWhenSentAgain() throws Exception {
        Card clone = cloneOfAlicesCard();
        BankFixture.Shop books = bank.shop("books");
        PaymentCertificate genuine = bank.pay(card, shop, "3.00 EUR", "1234");
        PaymentCertificate cloned = bank.pay(clone, books, "12.00 EUR", "1234");
        DepositRequest first = bank.depositRequest(shop, Map.of(card.certificate(), List.of(genuine)));
        assertEquals(Outcome.CLEARED, bank.issuer.deposit(first).statuses().getFirst().outcome()); // the answer is lost on the way
        assertEquals(IssuerException.DOUBLE_SPEND.value(), bank.deposit(books, clone, cloned).statuses().getFirst().code());
        assertTrue(bank.issuer.card(cardNumber()).blacklisted());

        for (DepositRequest again : List.of(first, bank.depositRequest(shop, Map.of(card.certificate(), List.of(genuine))))) {
            DepositReceipt.Status status = bank.issuer.deposit(again).statuses().getFirst();
            assertEquals(Outcome.ALREADY_CLEARED, status.outcome(), status.code() + " " + status.detail());
            assertEquals(Money.parse("3.00 EUR"), status.credited(), "answered with what was paid the first time");
        }
        assertEquals(Money.parse("3.00 EUR"), bank.accounts.merchantBalance("coffee"));
        // A payment of the card not cleared before is still refused.
        PaymentCertificate later = bank.pay(card, shop, "1.00 EUR", "1234");
        assertEquals(IssuerException.CARD_BLACKLISTED.value(), bank.deposit(shop, card, later).statuses().getFirst().code());
        bank.assertBooksBalance();
    }

    @Test
    void aPaymentMadeOutToAnotherMerchantIsRefused() {
        BankFixture.Shop thief = bank.shop("thief");
        PaymentCertificate p = bank.pay(card, shop, "5.00 EUR", "1234");
        DepositReceipt.Status status = bank.deposit(thief, card, p).statuses().getFirst();
        assertEquals(IssuerException.WRONG_MERCHANT.value(), status.code());
        assertEquals(Money.zero(Money.currency("EUR")), bank.accounts.merchantBalance("thief"));
        // ...and the rightful merchant can still deposit it.
        assertEquals(Outcome.CLEARED, bank.deposit(shop, card, p).statuses().getFirst().outcome());
    }

    @Test
    void aTamperedPaymentIsRefusedAndTheRestOfTheBatchStillClears() {
        PaymentCertificate good = bank.pay(card, shop, "1.00 EUR", "1234");
        PaymentCertificate signed = bank.pay(card, shop, "2.00 EUR", "1234");
        PaymentSpec s = signed.spec();
        PaymentCertificate inflated = new PaymentCertificate(signed.cardNumber(), signed.serial(),
                new PaymentSpec(s.merchantId(), s.time(), Money.parse("20.00 EUR"), s.details(), s.reference()), signed.signature());
        DepositReceipt receipt = bank.deposit(shop, card, good, inflated);
        assertEquals(Outcome.CLEARED, receipt.statuses().get(0).outcome());
        assertEquals(ProtocolException.PAYMENT_FORGED.value(), receipt.statuses().get(1).code());
        assertEquals(Money.parse("1.00 EUR"), bank.accounts.merchantBalance("coffee"));
    }

    @Test
    void aCardCertificateTheBankDidNotSignIsRefused() {
        PaymentCertificate p = bank.pay(card, shop, "4.00 EUR", "1234");
        var c = card.certificate();
        var forged = escudo.s3.protocol.CardCertificate.issue(c.bankId(), c.cardNumber(), c.kind(), c.currency(), c.validFrom(),
                c.validUntil().plus(Duration.ofDays(3650)), c.constraints(), c.bankShare(), c.userShare(), escudo.crypto.SigningKey.generate());
        DepositReceipt receipt = bank.issuer.deposit(DepositRequest.sign(shop.id(), bank.clock.instant(), "n-forged",
                List.of(new DepositRequest.Payment(forged, p)), shop.key()));
        assertEquals(ProtocolException.CARD_CERT_FORGED.value(), receipt.statuses().getFirst().code());
        assertEquals(Money.zero(Money.currency("EUR")), bank.accounts.merchantBalance("coffee"));
    }

    @Test
    void unknownMerchantForgedDepositSignatureAndStaleRequestAreRefused() {
        PaymentCertificate p = bank.pay(card, shop, "1.00 EUR", "1234");
        BankFixture.Shop stranger = new BankFixture.Shop("stranger", escudo.crypto.SigningKey.generate());
        assertEquals(BankException.UNKNOWN_MERCHANT, assertThrows(EscudoException.class, () -> bank.deposit(stranger, card, p)).code());
        BankFixture.Shop impostor = new BankFixture.Shop("coffee", escudo.crypto.SigningKey.generate());
        assertEquals(ProtocolException.MESSAGE_FORGED, assertThrows(EscudoException.class, () -> bank.deposit(impostor, card, p)).code());
        DepositRequest old = bank.depositRequest(shop, Map.of(card.certificate(), List.of(p)));
        bank.clock.advance(Duration.ofMinutes(6));
        assertEquals(IssuerException.STALE_REQUEST, assertThrows(EscudoException.class, () -> bank.issuer.deposit(old)).code());
        assertEquals(Money.zero(Money.currency("EUR")), bank.accounts.merchantBalance("coffee"));
    }

    @Test
    void aPaymentMadeAfterTheCardCertificateExpiredIsRefused() {
        bank.clock.advance(Duration.ofDays(366));
        PaymentSpec spec = new PaymentSpec("coffee", bank.clock.instant(), Money.parse("1.00 EUR"), "late", "ref-late");
        // A genuine card refuses to sign once its CARD-CERT expired; the bank refuses such a payment on
        // the certificate alone, before it looks at the signature.
        PaymentCertificate late = new PaymentCertificate(cardNumber(), 99, spec, Bytes.of(new byte[64]));
        DepositReceipt.Status status = bank.deposit(shop, card, late).statuses().getFirst();
        assertEquals(ProtocolException.CARD_CERT_EXPIRED.value(), status.code());
    }

    @Test
    void concurrentDepositsOfTheSamePaymentPayOnce() throws Exception {
        PaymentCertificate p = bank.pay(card, shop, "7.00 EUR", "1234");
        List<Callable<DepositReceipt>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> bank.deposit(shop, card, p));
        }
        List<Outcome> outcomes = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<DepositReceipt> f : pool.invokeAll(tasks)) {
                outcomes.add(f.get().statuses().getFirst().outcome());
            }
        }
        assertEquals(1, outcomes.stream().filter(o -> o == Outcome.CLEARED).count(), outcomes.toString());
        assertEquals(7, outcomes.stream().filter(o -> o == Outcome.ALREADY_CLEARED).count(), outcomes.toString());
        assertEquals(Money.parse("7.00 EUR"), bank.accounts.merchantBalance("coffee"));
        bank.assertBooksBalance();
    }

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
