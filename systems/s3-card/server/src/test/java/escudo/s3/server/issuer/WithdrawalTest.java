package escudo.s3.server.issuer;

import escudo.bank.BankException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s3.card.Card;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.ProtocolException;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003, Fig. 10: withdrawal (top-up) and CARD-CERT renewal. */
class WithdrawalTest {

    private final BankFixture bank = new BankFixture();
    @TempDir
    Path dir;
    private Card card;

    @BeforeEach
    void open() {
        card = bank.card(dir.resolve("alice"), "alice", CardKind.CASH, "50.00 EUR", "1234");
    }

    @AfterEach
    void close() {
        bank.close();
    }

    @Test
    void topUpMovesMoneyFromTheCustomerToTheCardAndTheAcknowledgementUpdatesTheCard() {
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), false, "1234");
        WithdrawalAck ack = bank.issuer.withdraw(request);
        ack.verify(bank.issuer.publicKey());
        card.completeWithdrawal(ack);
        assertEquals(70_00, card.status().balance());
        assertEquals(Money.parse("70.00 EUR"), bank.issuer.card(card.certificate().cardNumber()).balance());
        assertEquals(Money.parse("130.00 EUR"), bank.accounts.customerBalance("alice"));
        bank.assertBooksBalance();
    }

    @Test
    void aReplayedWithdrawalRequestIsRefusedAndMovesNothing() {
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), false, "1234");
        bank.issuer.withdraw(request);
        EscudoException e = assertThrows(EscudoException.class, () -> bank.issuer.withdraw(request));
        assertEquals(IssuerException.REPLAYED_REQUEST, e.code());
        assertEquals(Money.parse("130.00 EUR"), bank.accounts.customerBalance("alice"));
    }

    @Test
    void aForgedOrStaleRequestIsRefused() {
        WithdrawalRequest real = card.requestWithdrawal(Money.parse("20.00 EUR"), false, "1234");
        WithdrawalRequest inflated = new WithdrawalRequest(real.cardNumber(), real.sequence(), real.cardBalance(),
                Money.parse("90.00 EUR"), false, real.time(), real.signature());
        assertEquals(ProtocolException.MESSAGE_FORGED, assertThrows(EscudoException.class, () -> bank.issuer.withdraw(inflated)).code());
        bank.clock.advance(Duration.ofMinutes(10));
        assertEquals(IssuerException.STALE_REQUEST, assertThrows(EscudoException.class, () -> bank.issuer.withdraw(real)).code());
        assertEquals(Money.parse("150.00 EUR"), bank.accounts.customerBalance("alice"));
    }

    @Test
    void aTopUpBeyondTheCustomersFundsIsRefused() {
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("500.00 EUR"), false, "1234");
        assertEquals(BankException.INSUFFICIENT_FUNDS, assertThrows(EscudoException.class, () -> bank.issuer.withdraw(request)).code());
        assertEquals(Money.parse("50.00 EUR"), bank.issuer.card(request.cardNumber()).balance());
    }

    @Test
    void zeroValueRenewalIssuesAFreshCardCertificateForTheSameKeys() {
        bank.clock.advance(Duration.ofMinutes(1));
        var before = card.certificate();
        WithdrawalAck ack = bank.issuer.withdraw(card.requestWithdrawal(Money.parse("0.00 EUR"), true, "1234"));
        card.completeWithdrawal(ack);
        var renewed = card.certificate();
        assertTrue(renewed.validUntil().isAfter(before.validUntil()));
        assertEquals(before.jointKey(), renewed.jointKey());
        assertEquals(renewed.fingerprint(), bank.issuer.card(renewed.cardNumber()).certificate().fingerprint());
        assertEquals(50_00, card.status().balance());
    }

    @Test
    void aBlacklistedCardCannotWithdraw() {
        bank.issuer.db().run((escudo.storage.Tx tx) -> {
            new CardRegistry().blacklist(tx, card.certificate().cardNumber(), "test", bank.clock.instant());
        });
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("5.00 EUR"), false, "1234");
        assertEquals(IssuerException.CARD_BLACKLISTED, assertThrows(EscudoException.class, () -> bank.issuer.withdraw(request)).code());
    }
}
