package escudo.s3.server.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.s3.card.Card;
import escudo.core.Money;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.PaymentCertificate;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003, alternate embodiments: credit and cheque cards. */
class VariantsTest {

    @AutoClose
    private final BankFixture bank = new BankFixture();
    @TempDir
    Path dir;

    @Test
    void creditCardPaymentIsPaidByTheBankLessTheFeeAndOwedByTheCardHolder() {
        Card card = bank.card(dir.resolve("c"), "alice", CardKind.CREDIT, "100.00 EUR", "1234");
        BankFixture.Shop shop = bank.shop("shop");
        PaymentCertificate p = bank.pay(card, shop, "40.00 EUR", "1234");
        DepositReceipt.Status status = bank.deposit(shop, card, p).statuses().getFirst();
        assertEquals(Outcome.CLEARED, status.outcome());
        assertEquals(Money.parse("39.40 EUR"), status.credited()); // 1.5 % fee
        assertEquals(Money.parse("39.40 EUR"), bank.accounts.merchantBalance("shop"));
        assertEquals(Money.parse("-40.00 EUR"), bank.issuer.card(p.cardNumber()).balance());
        assertEquals(Money.parse("200.00 EUR"), bank.accounts.customerBalance("alice"));
        bank.assertBooksBalance();
    }

    @Test
    void creditSettlementRepaysTheBankAndRestoresTheAvailableCredit() {
        Card card = bank.card(dir.resolve("c"), "alice", CardKind.CREDIT, "100.00 EUR", "1234");
        BankFixture.Shop shop = bank.shop("shop");
        bank.deposit(shop, card, bank.pay(card, shop, "40.00 EUR", "1234"));
        card.completeWithdrawal(bank.issuer.withdraw(card.requestWithdrawal(Money.parse("40.00 EUR"), false, "1234")));
        assertEquals(100_00, card.status().balance());
        assertEquals(Money.parse("0.00 EUR"), bank.issuer.card(card.certificate().cardNumber()).balance());
        assertEquals(Money.parse("160.00 EUR"), bank.accounts.customerBalance("alice"));
    }

    @Test
    void creditSettlementAboveTheDebtIsRefused() {
        Card card = bank.card(dir.resolve("c"), "alice", CardKind.CREDIT, "100.00 EUR", "1234");
        var request = card.requestWithdrawal(Money.parse("10.00 EUR"), false, "1234");
        assertEquals(IssuerException.OVER_CREDIT_LIMIT,
                org.junit.jupiter.api.Assertions.assertThrows(IssuerException.class, () -> bank.issuer.withdraw(request)).code());
    }

    @Test
    void chequeIsPaidFromTheDrawersBankAccountAndBouncesWhenItCannotBeCovered() {
        Card card = bank.card(dir.resolve("q"), "alice", CardKind.CHEQUE, "0.03 EUR", "1234"); // three cheques
        assertEquals(3, card.status().balance());
        BankFixture.Shop shop = bank.shop("shop");
        PaymentCertificate covered = bank.pay(card, shop, "150.00 EUR", "1234");
        PaymentCertificate uncovered = bank.pay(card, shop, "80.00 EUR", "1234");
        DepositReceipt receipt = bank.deposit(shop, card, covered, uncovered);
        assertEquals(Outcome.CLEARED, receipt.statuses().get(0).outcome());
        assertEquals(Outcome.BOUNCED, receipt.statuses().get(1).outcome());
        assertEquals(IssuerException.CHEQUE_BOUNCED.value(), receipt.statuses().get(1).code());
        assertEquals(Money.parse("50.00 EUR"), bank.accounts.customerBalance("alice"));
        assertEquals(Money.parse("150.00 EUR"), bank.accounts.merchantBalance("shop"));
        assertEquals(1, card.status().balance());
        bank.assertBooksBalance();
    }
}
