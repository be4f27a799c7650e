package escudo.s3.server.issuer;

import escudo.core.Bytes;
import escudo.s3.api.CardAccount;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.bank.CardNumbers;
import escudo.bank.BankException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s3.card.Card;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.ledger.AccountKind;
import escudo.s3.protocol.CardKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003, Figs. 2-5: opening customer, merchant and card accounts. */
class AccountOpeningTest {

    @AutoClose
    private final BankFixture bank = new BankFixture();
    @TempDir
    Path dir;

    @Test
    void issuingACashCardMovesTheInitialValueFromTheCustomersAccountToTheCardAccount() {
        Card card = bank.card(dir.resolve("alice"), "alice", CardKind.CASH, "50.00 EUR", "1234");
        CardAccount account = bank.issuer.card(card.certificate().cardNumber());
        assertEquals(Money.parse("50.00 EUR"), account.balance());
        assertEquals(Money.parse("150.00 EUR"), bank.accounts.customerBalance("alice"));
        assertEquals(50_00, card.status().balance());
        assertEquals(List.of(AccountKind.CARD), bank.issuer.ledger().accounts().stream()
                .filter(a -> a.owner().equals("alice") && a.kind() != AccountKind.CUSTOMER_CURRENT).map(a -> a.kind()).toList());
        bank.assertBooksBalance();
    }

    @Test
    void cardCertificateCertifiesTheJointKeyOfTheCardsTwoShares() {
        Card card = bank.card(dir.resolve("alice"), "alice", CardKind.CASH, "10.00 EUR", "1234");
        var cert = card.certificate();
        cert.verify(bank.issuer.publicKey(), "test-bank", bank.clock.instant());
        assertEquals(card.userShare(), cert.userShare());
        assertEquals(escudo.crypto.JointKey.combine(cert.userShare(), cert.bankShare()), cert.jointKey());
        assertTrue(cert.cardNumber().matches("6099\\d{12}"));
        assertEquals(true, CardNumbers.isValid(cert.cardNumber()));
    }

    @Test
    void initialValueAboveTheCustomersFundsIsRefusedAndNothingIsRecorded() {
        bank.accounts.openCustomer("bob", "Bob", Money.parse("20.00 EUR"));
        Card card = Card.manufacture(dir.resolve("bob"));
        EscudoException e = assertThrows(EscudoException.class, () -> bank.issuer.issueCard(
                new CardApplication("bob", CardKind.CASH, Money.parse("50.00 EUR"), card.userShare(), Bytes.of(card.transportKey()))));
        assertEquals(BankException.INSUFFICIENT_FUNDS, e.code());
        assertEquals(Money.parse("20.00 EUR"), bank.accounts.customerBalance("bob"));
        assertTrue(bank.issuer.ledger().accounts().stream().noneMatch(a -> a.kind() == AccountKind.CARD));
    }

    @Test
    void unknownCustomerDuplicateAccountsAndForeignCurrencyAreRefused() {
        Card card = Card.manufacture(dir.resolve("x"));
        assertEquals(BankException.UNKNOWN_CUSTOMER, assertThrows(EscudoException.class, () -> bank.issuer.issueCard(
                new CardApplication("nobody", CardKind.CASH, Money.parse("1.00 EUR"), card.userShare(), Bytes.of(card.transportKey())))).code());
        bank.accounts.openCustomer("carol", "Carol", Money.parse("5.00 EUR"));
        assertEquals(BankException.DUPLICATE, assertThrows(EscudoException.class,
                () -> bank.accounts.openCustomer("carol", "Carol", Money.parse("5.00 EUR"))).code());
        assertEquals(IssuerException.CURRENCY_MISMATCH, assertThrows(EscudoException.class, () -> bank.issuer.issueCard(
                new CardApplication("carol", CardKind.CASH, Money.parse("1.00 USD"), card.userShare(), Bytes.of(card.transportKey())))).code());
        bank.shop("m1");
        assertEquals(BankException.DUPLICATE, assertThrows(EscudoException.class,
                () -> bank.accounts.openMerchant("m1", "again", "EUR", SigningKey.generate().verifyingKey())).code());
        assertEquals(Money.parse("5.00 EUR"), bank.accounts.customerBalance("carol"));
    }

    @Test
    void theBankShareIsSealedToTheCardAndUselessToAnyoneElse() {
        bank.accounts.openCustomer("dave", "Dave", Money.parse("50.00 EUR"));
        Card card = Card.manufacture(dir.resolve("dave"));
        IssuedCard issued = bank.issuer.issueCard(new CardApplication("dave", CardKind.CASH, Money.parse("5.00 EUR"),
                card.userShare(), Bytes.of(card.transportKey())));
        var eavesdropper = escudo.crypto.Hpke.Recipient.generate();
        assertThrows(EscudoException.class, () -> escudo.s3.protocol.BankShare.open(eavesdropper, issued.sealedBankShare().toByteArray(),
                issued.certificate().cardNumber()));
        KeyShare unrelated = KeyShare.generate();
        assertTrue(!unrelated.publicShare().equals(issued.certificate().bankShare()));
    }
}
