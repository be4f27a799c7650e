package escudo.s3.card;

import escudo.core.Money;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.BankShare;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Plays the bank of seed 003, steps 250 and 260 and 900 and 910, through the public API only. */
final class TestBank {

    static final String BANK_ID = "test-bank";
    static final String CARD_NUMBER = "4000-0000-0001";
    static final String PIN = "7391";

    final SigningKey key = SigningKey.generate();
    final KeyShare sC = KeyShare.generate();
    final TestClock clock = new TestClock(Instant.parse("2030-01-15T10:00:00Z"));

    Instant now() {
        return clock.instant();
    }

    CardCertificate certify(Card card, CardKind kind) {
        return certify(card.userShare(), sC.publicShare(), kind, now().plus(Duration.ofDays(365)));
    }

    CardCertificate certify(VerifyingKey userShare, VerifyingKey bankShare, CardKind kind, Instant validUntil) {
        return CardCertificate.issue(BANK_ID, CARD_NUMBER, kind, "EUR", now().minus(Duration.ofDays(1)), validUntil, "",
                bankShare, userShare, key);
    }

    byte[] seal(Card card) {
        return BankShare.seal(sC, card.transportKey(), CARD_NUMBER);
    }

    Card manufacture(Path directory) {
        return Card.manufacture(directory, clock);
    }

    Card open(Path directory) {
        return Card.open(directory, clock);
    }

    /** A new, personalised card with {@code balance} (minor units, or cheques). */
    Card issue(Path directory, CardKind kind, long balance) {
        Card card = manufacture(directory);
        card.personalise(PIN, certify(card, kind), seal(card), key.verifyingKey(), balance);
        return card;
    }

    PaymentSpec spec(long cents, String reference) {
        return new PaymentSpec("shop-1", now(), Money.of(cents, "EUR"), "coffee", reference);
    }

    /** The honest answer: new balance = the card's reported balance + the amount. */
    WithdrawalAck ack(WithdrawalRequest request) {
        return ack(request, null);
    }

    WithdrawalAck ack(WithdrawalRequest request, CardCertificate renewed) {
        return WithdrawalAck.sign(request.cardNumber(), request.sequence(), request.amount(),
                request.cardBalance().plus(request.amount()), renewed, now(), key);
    }

}
