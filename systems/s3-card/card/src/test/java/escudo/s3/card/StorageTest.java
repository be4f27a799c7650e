package escudo.s3.card;

import static escudo.s3.card.TestBank.CARD_NUMBER;
import static escudo.s3.card.TestBank.PIN;
import static escudo.testing.Refusals.assertRefused;
import static escudo.testing.TestBytes.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.cardos.ApplicationId;
import escudo.cardos.CardOs;
import escudo.cardos.Operation;
import escudo.core.EscudoException.Kind;
import escudo.crypto.SecretAccess;
import escudo.s3.protocol.CardKind;
import java.nio.charset.StandardCharsets;
import escudo.testing.TestBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {

    @TempDir
    Path dir;

    private final TestBank bank = new TestBank();

    @Test
    void manufactureRefusesADirectoryThatHoldsACard() {
        bank.manufacture(dir);
        CardException e = assertRefused(CardException.class, CardException.ALREADY_EXISTS, () -> bank.manufacture(dir));
        assertEquals(Kind.CONFLICT, e.kind());
    }

    @Test
    void manufactureCreatesStorageKeyReadableOnlyByItsOwner() throws Exception {
        Path cardDir = dir.resolve("new/card");
        bank.manufacture(cardDir);
        Path key = cardDir.resolve(CardOs.KEY_FILE);
        assertEquals(32, Files.size(key));
        assertTrue(Files.isRegularFile(cardDir.resolve(CardOs.STATE_FILE)));
        Assumptions.assumeTrue(key.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cardDir.resolve(CardOs.STATE_FILE))));
    }

    @Test
    void openWithoutACardIsNotFound() {
        CardException e = assertRefused(CardException.class, CardException.NOT_FOUND, () -> bank.open(dir));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertRefused(CardException.NOT_FOUND, () -> bank.open(dir.resolve("missing")));
    }

    @Test
    void blankCardKeepsItsUserShareAndTransportKeyAcrossReopening() {
        Card card = bank.manufacture(dir);
        Card reopened = bank.open(dir);
        assertEquals(card.userShare(), reopened.userShare());
        assertTrue(Arrays.equals(card.transportKey(), reopened.transportKey()));
        // the bank seals to the key it read before the reopen, and the reopened card opens it
        reopened.personalise(PIN, bank.certify(card, CardKind.CASH), bank.seal(card), bank.key.verifyingKey(), 5);
        assertEquals(5, bank.open(dir).status().balance());
    }

    @Test
    void tamperedStateFileIsCorrupt() throws Exception {
        bank.issue(dir, CardKind.CASH, 10_000);
        Path state = dir.resolve(CardOs.STATE_FILE);
        byte[] sealed = Files.readAllBytes(state);
        for (byte[] damaged : TestBytes.damagedCopies(sealed)) {
            Files.write(state, damaged);
            assertEquals(Kind.INTERNAL, assertRefused(CardException.class, CardException.STORAGE_CORRUPT, () -> bank.open(dir)).kind());
        }
        Files.write(state, sealed);
        assertEquals(10_000, bank.open(dir).status().balance());
    }

    @Test
    void stateFileNextToAnotherCardsStorageKeyIsCorrupt() throws Exception {
        Path mine = dir.resolve("mine");
        Path other = dir.resolve("other");
        bank.issue(mine, CardKind.CASH, 10_000);
        new TestBank().issue(other, CardKind.CASH, 1);
        Files.copy(mine.resolve(CardOs.STATE_FILE), other.resolve(CardOs.STATE_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(CardException.STORAGE_CORRUPT, () -> bank.open(other));
    }

    @Test
    void storageKeyOfTheWrongLengthIsCorrupt() throws Exception {
        bank.manufacture(dir);
        Files.write(dir.resolve(CardOs.KEY_FILE), new byte[31]);
        assertRefused(CardException.STORAGE_CORRUPT, () -> bank.open(dir));
    }

    @Test
    void stateFileShowsNoPlaintextAndNoSecret() throws Exception {
        String pin = "86420975";
        Card card = bank.manufacture(dir);
        card.personalise(pin, bank.certify(card, CardKind.CASH), bank.seal(card), bank.key.verifyingKey(), 123_456_789);
        card.pay(bank.spec(100, "x"), pin);
        byte[] file = Files.readAllBytes(dir.resolve(CardOs.STATE_FILE));

        // the test may look inside (same package) to learn the secrets it must not find
        CardState state = CardState.decode(CardOs.open(dir).application(Card.APPLICATION).record().orElseThrow());
        byte[] sU = state.userShare().toBytes(SecretAccess.forSealedStorage());
        byte[] sC = bank.sC.toBytes(SecretAccess.forSealedStorage());

        assertFalse(contains(file, CARD_NUMBER.getBytes(StandardCharsets.UTF_8)), "card number in clear");
        assertFalse(contains(file, CardState.DOMAIN.getBytes(StandardCharsets.UTF_8)), "domain tag in clear");
        assertFalse(contains(file, pin.getBytes(StandardCharsets.US_ASCII)), "PIN in clear");
        assertFalse(contains(file, bank.key.verifyingKey().bytes()), "bank key in clear");
        assertFalse(contains(file, sU), "S_U in clear");
        assertFalse(contains(file, sC), "S_C in clear");

        String shown = card + " " + card.status() + " " + state;
        for (byte[] secret : new byte[][] {sU, sC}) {
            assertFalse(shown.contains(HexFormat.of().formatHex(secret)), "a secret in toString");
        }
        assertFalse(shown.contains(pin), "the PIN in toString");
    }

    @Test
    void interruptedWriteLeavesTheOldState() throws Exception {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        // a crash after writing the temporary file but before the rename: the temp file is ignored
        Files.write(dir.resolve(CardOs.STATE_FILE + ".tmp"), new byte[] {1, 2, 3});
        Card reopened = bank.open(dir);
        assertEquals(10_000, reopened.status().balance());
        reopened.pay(bank.spec(100, "after-crash"), PIN);
        assertEquals(9_900, bank.open(dir).status().balance());
        assertFalse(Files.exists(dir.resolve(CardOs.STATE_FILE + ".tmp")));
    }

    @Test
    void cardWithoutTheS3ApplicationIsNotFound() {
        CardOs.create(dir, new ApplicationId("test.other"), new byte[] {1});
        CardException e = assertRefused(CardException.class, CardException.NOT_FOUND, () -> bank.open(dir));
        assertEquals(Kind.NOT_FOUND, e.kind());
    }

    @Test
    void cardFromBeforeTheCardOsDoesNotOpen() throws Exception {
        Files.write(dir.resolve(CardOs.KEY_FILE), new byte[32]);
        Files.write(dir.resolve("card.state"), new byte[64]);
        assertRefused(CardException.EARLIER_FORMAT, () -> bank.open(dir));
        assertRefused(CardException.ALREADY_EXISTS, () -> bank.manufacture(dir));
    }

    @Test
    void unparsableS3RecordIsCorrupt() {
        CardOs.create(dir, Card.APPLICATION, new byte[] {1, 2, 3});
        CardException e = assertRefused(CardException.class, CardException.STORAGE_CORRUPT, () -> bank.open(dir));
        assertEquals(Kind.INTERNAL, e.kind());
    }

    /** The S3 card is one application among others: another one's record and the S3 state leave each other alone. */
    @Test
    void anotherApplicationOnTheCardLeavesTheS3StateAlone() {
        bank.issue(dir, CardKind.CASH, 10_000);
        ApplicationId other = new ApplicationId("test.other");
        try (Operation operation = CardOs.open(dir).application(other).begin()) {
            operation.verifyHolder(PIN);
            operation.commit(new byte[] {7});
        }
        Card card = bank.open(dir);
        assertEquals(10_000, card.status().balance());
        card.pay(bank.spec(100, "r1"), PIN);
        CardOs os = CardOs.open(dir);
        assertArrayEquals(new byte[] {7}, os.application(other).record().orElseThrow());
        assertEquals(9_900, CardState.decode(os.application(Card.APPLICATION).record().orElseThrow()).balance());
    }
}
