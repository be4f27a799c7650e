package escudo.s3.card;

import static escudo.s3.card.TestBank.PIN;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.cardos.CardOs;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.s3.protocol.CardKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinTest {

    private static final String WRONG = "0000";

    @TempDir
    Path dir;

    private final TestBank bank = new TestBank();

    @Test
    void wrongPinSaysTriesLeftAndRightPinResetsTheCounter() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        CardException e = assertRefused(CardException.class, CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), WRONG));
        assertEquals(Kind.UNAUTHENTICATED, e.kind());
        assertTrue(e.getMessage().contains("2 tries left"), e.getMessage());
        assertEquals(2, bank.open(dir).status().pinTriesLeft(), "the decrement is on disk");
        assertRefused(CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), WRONG));
        assertEquals(1, card.status().pinTriesLeft());

        card.pay(bank.spec(100, "a"), PIN);
        assertEquals(3, card.status().pinTriesLeft());
        assertEquals(3, bank.open(dir).status().pinTriesLeft());
        assertEquals(9_900, card.status().balance());
    }

    @Test
    void wrongPinChangesNeitherSerialNorBalance() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        assertRefused(CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), WRONG));
        assertEquals(1, card.status().nextSerial());
        assertEquals(10_000, card.status().balance());
    }

    @Test
    void rightPinThenRefusedPaymentStillResetsTheCounter() {
        Card card = bank.issue(dir, CardKind.CASH, 100);
        assertRefused(CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), WRONG));
        assertRefused(CardException.INSUFFICIENT_BALANCE, () -> card.pay(bank.spec(101, "a"), PIN));
        assertEquals(3, bank.open(dir).status().pinTriesLeft());
    }

    @Test
    void threeWrongPinsLockTheCardForGoodEvenAfterReopening() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        assertRefused(CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), "1111"));
        assertRefused(CardException.WRONG_PIN, () -> card.requestWithdrawal(Money.of(100, "EUR"), false, "2222"));
        CardException third = assertRefused(CardException.class, CardException.WRONG_PIN, () -> card.pay(bank.spec(100, "a"), "3333"));
        assertTrue(third.getMessage().contains("locked"), third.getMessage());
        assertTrue(card.status().locked());

        CardException locked = assertRefused(CardException.class, CardException.LOCKED, () -> card.pay(bank.spec(100, "a"), PIN));
        assertEquals(Kind.REFUSED, locked.kind());

        Card reopened = bank.open(dir);
        assertTrue(reopened.status().locked());
        assertEquals(0, reopened.status().pinTriesLeft());
        assertRefused(CardException.LOCKED, () -> reopened.pay(bank.spec(100, "a"), PIN));
        assertRefused(CardException.LOCKED, () -> reopened.requestWithdrawal(Money.of(100, "EUR"), false, PIN));
        assertEquals(1, reopened.status().nextSerial());
        assertEquals(1, reopened.status().nextSequence());
    }

    @Test
    void malformedPinIsRefusedWithoutSpendingATry() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        for (String pin : new String[] {"12", "abcd", "1234567890123", null}) {
            assertRefused(CardException.BAD_PIN_FORMAT, () -> card.pay(bank.spec(100, "a"), pin));
        }
        assertEquals(3, card.status().pinTriesLeft());
    }

    /**
     * The decrement is written before the PIN is compared: when the card cannot persist it, it
     * gives no answer about the PIN at all, so killing the process mid-check yields no free try.
     */
    @Test
    void pinIsNotComparedUnlessTheDecrementWasPersisted() throws Exception {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        Path blocker = dir.resolve(CardOs.STATE_FILE + ".tmp");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("x"), "blocks the temporary file");

        CardException wrong = assertRefused(CardException.class, CardException.STORAGE_FAILED, () -> card.pay(bank.spec(100, "a"), WRONG));
        assertEquals(Kind.INTERNAL, wrong.kind());
        assertRefused(CardException.STORAGE_FAILED, () -> card.pay(bank.spec(100, "a"), PIN));
        assertEquals(3, card.status().pinTriesLeft(), "the failed write changed nothing in memory either");

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        CardStatus status = bank.open(dir).status();
        assertEquals(3, status.pinTriesLeft());
        assertEquals(1, status.nextSerial());
        assertEquals(10_000, status.balance());
        assertFalse(status.locked());
    }
}
