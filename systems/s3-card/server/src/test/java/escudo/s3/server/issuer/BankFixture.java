package escudo.s3.server.issuer;

import escudo.core.Bytes;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.bank.Bank;
import escudo.bank.BankException;
import escudo.s3.card.Card;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A bank on a fresh database with a settable clock, and the parties of seed 003 around it. */
final class BankFixture implements AutoCloseable {

    /** A registered merchant: its S_id and the key it signs deposits with. */
    record Shop(String id, SigningKey key) {
    }

    final TestClock clock = new TestClock(Instant.now()) /* cards keep real time */;
    final Database db = TestDatabase.create();
    final SigningKey bankKey = SigningKey.generate();
    final Bank accounts = new Bank("test-bank", bankKey.verifyingKey(), db, clock);
    final Issuer issuer = new Issuer(Issuer.Settings.defaults("test-bank"), accounts, bankKey);

    Shop shop(String id) {
        SigningKey key = SigningKey.generate();
        accounts.openMerchant(id, "Shop " + id, "EUR", key.verifyingKey());
        return new Shop(id, key);
    }

    /** Opens the customer (if new) and issues a personalised card of the given kind. */
    Card card(Path dir, String customerId, CardKind kind, String amount, String pin) {
        if (issuerHasNo(customerId)) {
            accounts.openCustomer(customerId, "Customer " + customerId, Money.parse("200.00 EUR"));
        }
        Card card = Card.manufacture(dir);
        IssuedCard issued = issuer.issueCard(new CardApplication(customerId, kind, Money.parse(amount), card.userShare(), Bytes.of(card.transportKey())));
        card.personalise(pin, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        return card;
    }

    private boolean issuerHasNo(String customerId) {
        try {
            accounts.customerBalance(customerId);
            return false;
        } catch (BankException e) {
            return true;
        }
    }

    PaymentCertificate pay(Card card, Shop shop, String amount, String pin) {
        PaymentSpec spec = new PaymentSpec(shop.id(), clock.instant(), Money.parse(amount), "goods", UUID.randomUUID().toString());
        return card.pay(spec, pin);
    }

    DepositRequest depositRequest(Shop shop, Map<CardCertificate, List<PaymentCertificate>> payments) {
        List<DepositRequest.Payment> items = payments.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(p -> new DepositRequest.Payment(e.getKey(), p)))
                .toList();
        return DepositRequest.sign(shop.id(), clock.instant(), UUID.randomUUID().toString(), items, shop.key());
    }

    DepositReceipt deposit(Shop shop, Card card, PaymentCertificate... payments) {
        return issuer.deposit(depositRequest(shop, Map.of(card.certificate(), List.of(payments))));
    }

    /** Every ledger currency must sum to zero: double entry never creates or loses money. */
    void assertBooksBalance() {
        issuer.ledger().totals().forEach((currency, total) ->
                org.junit.jupiter.api.Assertions.assertEquals(0L, total, "ledger total in " + currency));
    }

    @Override
    public void close() {
        db.close();
    }
}
