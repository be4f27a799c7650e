package escudo.cardos;

import static escudo.cardos.CardOsTest.WALLET;
import static escudo.cardos.CardOsTest.assertCode;
import static escudo.cardos.CardOsTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HolderVerificationTest {

    private static final String PIN = "7391";
    private static final String WRONG = "0000";

    @TempDir
    Path dir;

    /** A card whose holder chose {@link #PIN}. */
    private Application wallet() {
        Application wallet = CardOs.create(dir, WALLET, bytes("blank")).application(WALLET);
        try (Operation operation = wallet.begin()) {
            operation.choosePin(PIN);
            operation.commit(bytes("personalised"));
        }
        return wallet;
    }

    private static HolderStatus reopened(Path dir) {
        return CardOs.open(dir).holder();
    }

    @Test
    void theChosenPinTakesEffectWithTheCommit() {
        Application wallet = CardOs.create(dir, WALLET, bytes("blank")).application(WALLET);
        try (Operation operation = wallet.begin()) {
            operation.choosePin(PIN);
            assertEquals(new HolderStatus(false, 0), wallet.holder(), "not before the commit");
        }
        assertFalse(reopened(dir).pinChosen(), "an operation closed without commit chose nothing");

        try (Operation operation = wallet.begin()) {
            operation.choosePin(PIN);
            operation.commit(bytes("personalised"));
        }
        assertEquals(new HolderStatus(true, 3), reopened(dir));
        assertArrayEquals(bytes("personalised"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void thePinIsChosenOnce() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            CardOsException e = assertCode(CardOsException.PIN_ALREADY_CHOSEN, () -> operation.choosePin("2468"));
            assertEquals(Kind.CONFLICT, e.kind());
        }
        try (Operation operation = wallet.begin()) {
            operation.verifyHolder(PIN);
        }
    }

    @Test
    void noHolderVerificationBeforeAPinIsChosen() {
        Application wallet = CardOs.create(dir, WALLET, bytes("blank")).application(WALLET);
        try (Operation operation = wallet.begin()) {
            CardOsException e = assertCode(CardOsException.NO_PIN, () -> operation.verifyHolder(PIN));
            assertEquals(Kind.INVALID, e.kind());
            assertFalse(operation.holderVerified());
        }
    }

    @Test
    void malformedPinIsRefusedWithoutSpendingATry() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            for (String pin : new String[] {"12", "abcd", "1234567890123", null}) {
                assertCode(CardOsException.BAD_PIN_FORMAT, () -> operation.verifyHolder(pin));
                assertCode(CardOsException.BAD_PIN_FORMAT, () -> operation.choosePin(pin));
            }
        }
        assertEquals(3, reopened(dir).pinTriesLeft());
    }

    @Test
    void wrongPinIsPersistedAndARightPinWithACommitRestoresTheTries() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            CardOsException e = assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(WRONG));
            assertEquals(Kind.UNAUTHENTICATED, e.kind());
            assertTrue(e.getMessage().contains("2 tries left"), e.getMessage());
            assertFalse(operation.holderVerified());
        }
        assertEquals(2, reopened(dir).pinTriesLeft(), "the decrement is on disk");
        try (Operation operation = wallet.begin()) {
            CardOsException e = assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(WRONG));
            assertTrue(e.getMessage().contains("1 try left"), e.getMessage());
        }

        try (Operation operation = wallet.begin()) {
            operation.verifyHolder(PIN);
            assertTrue(operation.holderVerified());
            assertEquals(0, reopened(dir).pinTriesLeft(), "the try is spent until the operation ends");
            operation.commit(bytes("paid"));
        }
        assertEquals(new HolderStatus(true, 3), reopened(dir));
        assertArrayEquals(bytes("paid"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void aVerifiedOperationThatIsRefusedStillRestoresTheTries() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(WRONG));
        }
        try (Operation operation = wallet.begin()) {
            operation.verifyHolder(PIN);
        }
        assertEquals(3, reopened(dir).pinTriesLeft());
        assertArrayEquals(bytes("personalised"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void aVerificationDoesNotCarryOverToTheNextOperation() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            operation.verifyHolder(PIN);
            assertTrue(operation.holderVerified());
        }
        try (Operation operation = wallet.begin()) {
            assertFalse(operation.holderVerified());
        }
    }

    @Test
    void threeWrongPinsLockTheCardForGoodEvenAfterReopening() {
        Application wallet = wallet();
        for (String wrong : new String[] {"1111", "2222"}) {
            try (Operation operation = wallet.begin()) {
                assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(wrong));
            }
        }
        try (Operation operation = wallet.begin()) {
            CardOsException third = assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder("3333"));
            assertTrue(third.getMessage().contains("locked"), third.getMessage());
        }
        assertTrue(wallet.holder().locked());
        try (Operation operation = wallet.begin()) {
            CardOsException locked = assertCode(CardOsException.LOCKED, () -> operation.verifyHolder(PIN));
            assertEquals(Kind.REFUSED, locked.kind());
        }

        Application reopened = CardOs.open(dir).application(WALLET);
        assertEquals(new HolderStatus(true, 0), reopened.holder());
        assertTrue(reopened.holder().locked());
        try (Operation operation = reopened.begin()) {
            assertCode(CardOsException.LOCKED, () -> operation.verifyHolder(PIN));
            assertCode(CardOsException.LOCKED, () -> operation.verifyHolder(WRONG));
        }
    }

    /**
     * The decrement is written before the PIN is compared: when the OS cannot persist it, it gives
     * no answer about the PIN at all, so killing the process mid-check yields no free try.
     */
    @Test
    void pinIsNotComparedUnlessTheDecrementWasPersisted() throws Exception {
        Application wallet = wallet();
        Path blocker = CardOsTest.blockTheTemporaryFile(dir);
        try (Operation operation = wallet.begin()) {
            CardOsException wrong = assertCode(CardOsException.STORAGE_FAILED, () -> operation.verifyHolder(WRONG));
            assertEquals(Kind.INTERNAL, wrong.kind());
            assertCode(CardOsException.STORAGE_FAILED, () -> operation.verifyHolder(PIN));
            assertFalse(operation.holderVerified());
        }
        assertEquals(3, wallet.holder().pinTriesLeft(), "the failed write changed nothing in memory either");
        CardOsTest.unblock(blocker);
        assertEquals(new HolderStatus(true, 3), reopened(dir));
    }

    /** The restoring write at close fails: it says so, and the next right PIN restores the tries. */
    @Test
    void aFailedRestoreAtCloseIsReportedAndRepairedByTheNextRightPin() throws Exception {
        Application wallet = wallet();
        Operation verified = wallet.begin();
        verified.verifyHolder(PIN);
        Path blocker = CardOsTest.blockTheTemporaryFile(dir);
        assertCode(CardOsException.STORAGE_FAILED, verified::close);
        assertEquals(2, reopened(dir).pinTriesLeft());
        CardOsTest.unblock(blocker);

        try (Operation operation = wallet.begin()) {
            operation.verifyHolder(PIN);
        }
        assertEquals(3, reopened(dir).pinTriesLeft());
    }

    @Test
    void theVerifiedHolderChangesThePinAndOnlyTheNewOneOpensTheCardAfterTheCommit() {
        Application wallet = wallet();
        try (Operation operation = wallet.begin()) {
            assertCode(CardOsException.WRONG_PIN, () -> operation.changePin("2468")); // not verified yet
            operation.verifyHolder(PIN);
            assertCode(CardOsException.BAD_PIN_FORMAT, () -> operation.changePin("12"));
            operation.changePin("2468");
            operation.commit(bytes("pin changed"));
        }
        try (Operation operation = wallet.begin()) {
            assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(PIN));
        }
        try (Operation operation = CardOs.open(dir).application(WALLET).begin()) {
            operation.verifyHolder("2468");
            assertTrue(operation.holderVerified());
        }
        assertEquals(new HolderStatus(true, HolderPin.MAX_TRIES), reopened(dir));
    }

    @Test
    void theIssuersUnblockGivesALockedCardANewPinWithAllItsTries() {
        Application wallet = wallet();
        for (int i = 0; i < HolderPin.MAX_TRIES; i++) {
            try (Operation operation = wallet.begin()) {
                assertCode(CardOsException.WRONG_PIN, () -> operation.verifyHolder(WRONG));
            }
        }
        assertEquals(new HolderStatus(true, 0), reopened(dir));
        try (Operation operation = wallet.begin()) {
            operation.unblockPin("5555");
            assertEquals(new HolderStatus(true, 0), wallet.holder(), "not before the commit");
            operation.commit(bytes("unblocked"));
        }
        assertEquals(new HolderStatus(true, HolderPin.MAX_TRIES), reopened(dir));
        try (Operation operation = wallet.begin()) {
            operation.verifyHolder("5555");
            assertTrue(operation.holderVerified());
        }
    }
}
