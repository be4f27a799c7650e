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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003, Fig. 10: withdrawal (top-up) and CARD-CERT renewal. */
class WithdrawalTest {

    @AutoClose
    private final BankFixture bank = new BankFixture();
    @TempDir
    Path dir;
    private Card card;

    @BeforeEach
    void open() {
        card = bank.card(dir.resolve("alice"), "alice", CardKind.CASH, "50.00 EUR", "1234");
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
    void theSameRequestSentAgainGetsTheSameAcknowledgementAndMovesNothing() {
        bank.clock.advance(Duration.ofMinutes(1)); // so that the renewed CARD-CERT ends later than the one issued now
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), true, "1234");
        WithdrawalAck first = bank.issuer.withdraw(request); // its answer is lost on the way to the card
        bank.clock.advance(Duration.ofMinutes(30)); // long past the freshness of a new request

        WithdrawalAck again = bank.issuer.withdraw(card.pendingWithdrawal().orElseThrow());

        assertEquals(first, again, "the same acknowledgement, renewed CARD-CERT and signature included");
        again.verify(bank.issuer.publicKey());
        assertEquals(Money.parse("130.00 EUR"), bank.accounts.customerBalance("alice"), "the money moved once");
        assertEquals(Money.parse("70.00 EUR"), bank.issuer.card(request.cardNumber()).balance());
        card.completeWithdrawal(again);
        assertEquals(70_00, card.status().balance());
        assertEquals(first, bank.issuer.withdraw(request), "and again, once the card has it");
        bank.assertBooksBalance();
    }

    @Test
    void anotherRequestUnderAUsedSeqIsAReplayAndMovesNothing() throws Exception {
        // A copy of the card taken before the request signs another one under the same seq#.
        Path copy = dir.resolve("alice-copy");
        try (var files = Files.walk(dir.resolve("alice"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(dir.resolve("alice").relativize(file).toString()));
            }
        }
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), false, "1234");
        bank.issuer.withdraw(request);
        WithdrawalRequest other = Card.open(copy).requestWithdrawal(Money.parse("25.00 EUR"), false, "1234");
        assertEquals(request.sequence(), other.sequence());

        EscudoException e = assertThrows(EscudoException.class, () -> bank.issuer.withdraw(other));

        assertEquals(IssuerException.REPLAYED_REQUEST, e.code());
        assertEquals(EscudoException.Kind.CONFLICT, e.kind());
        assertEquals(Money.parse("130.00 EUR"), bank.accounts.customerBalance("alice"));
        bank.assertBooksBalance();
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
