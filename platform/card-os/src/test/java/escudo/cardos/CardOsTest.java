package escudo.cardos;

import static escudo.testing.TestBytes.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.ErrorCode;
import escudo.core.EscudoException.Kind;
import escudo.testing.Refusals;
import java.nio.charset.StandardCharsets;
import escudo.testing.TestBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The store, the applications' records and crash safety; the PIN is in {@link HolderVerificationTest}. */
class CardOsTest {

    static final ApplicationId WALLET = new ApplicationId("test.wallet");
    static final ApplicationId LOYALTY = new ApplicationId("test.loyalty");

    @TempDir
    Path dir;

    @Test
    void createdCardOpensWithItsFirstRecordAndNoPin() {
        CardOs.create(dir, WALLET, bytes("first"));
        CardOs card = CardOs.open(dir);
        assertArrayEquals(bytes("first"), card.application(WALLET).record().orElseThrow());
        assertEquals(new HolderStatus(false, 0), card.holder());
        assertFalse(card.holder().locked());
    }

    @Test
    void createRefusesADirectoryThatHoldsACard() {
        CardOs.create(dir, WALLET, bytes("first"));
        CardOsException e = assertCode(CardOsException.ALREADY_EXISTS, () -> CardOs.create(dir, WALLET, bytes("again")));
        assertEquals(Kind.CONFLICT, e.kind());
        assertArrayEquals(bytes("first"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void openWithoutACardIsNotFound() {
        CardOsException e = assertCode(CardOsException.NOT_FOUND, () -> CardOs.open(dir));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertCode(CardOsException.NOT_FOUND, () -> CardOs.open(dir.resolve("missing")));
    }

    @Test
    void cardFromBeforeTheCardOsIsNamedAsSuchAndNotOverwritten() throws Exception {
        Files.write(dir.resolve(CardOs.KEY_FILE), new byte[32]);
        Files.write(dir.resolve("card.state"), new byte[] {1, 2, 3});
        CardOsException e = assertCode(CardOsException.EARLIER_FORMAT, () -> CardOs.open(dir));
        assertEquals(Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("issue a new card"), e.getMessage());
        assertCode(CardOsException.ALREADY_EXISTS, () -> CardOs.create(dir, WALLET, bytes("new")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("card.state")));
    }

    @Test
    void filesAreReadableOnlyByTheirOwner() throws Exception {
        Path cardDir = dir.resolve("new/card");
        CardOs.create(cardDir, WALLET, bytes("first"));
        Path key = cardDir.resolve(CardOs.KEY_FILE);
        assertEquals(32, Files.size(key));
        Assumptions.assumeTrue(key.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cardDir.resolve(CardOs.STATE_FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cardDir)));
    }

    @Test
    void eachApplicationReadsAndWritesOnlyItsOwnRecord() {
        CardOs card = CardOs.create(dir, WALLET, bytes("wallet-1"));
        Application wallet = card.application(WALLET);
        Application loyalty = card.application(LOYALTY);
        assertEquals(Optional.empty(), loyalty.record(), "another application's record is not visible");

        try (Operation operation = loyalty.begin()) {
            operation.commit(bytes("points-7"));
        }
        assertArrayEquals(bytes("wallet-1"), wallet.record().orElseThrow(), "writing one record leaves the other");
        try (Operation operation = wallet.begin()) {
            operation.commit(bytes("wallet-2"));
        }
        CardOs reopened = CardOs.open(dir);
        assertArrayEquals(bytes("wallet-2"), reopened.application(WALLET).record().orElseThrow());
        assertArrayEquals(bytes("points-7"), reopened.application(LOYALTY).record().orElseThrow());
    }

    @Test
    void aRecordReadIsACopy() {
        CardOs card = CardOs.create(dir, WALLET, bytes("wallet-1"));
        byte[] read = card.application(WALLET).record().orElseThrow();
        read[0] = 'X';
        byte[] written = bytes("wallet-2");
        try (Operation operation = card.application(WALLET).begin()) {
            operation.commit(written);
        }
        written[0] = 'X';
        assertArrayEquals(bytes("wallet-2"), card.application(WALLET).record().orElseThrow());
    }

    @Test
    void anOperationEndsWithItsCommit() {
        Operation operation = CardOs.create(dir, WALLET, bytes("w")).application(WALLET).begin();
        operation.commit(bytes("w2"));
        assertThrows(IllegalStateException.class, () -> operation.commit(bytes("w3")));
        assertThrows(IllegalStateException.class, () -> operation.verifyHolder("1234"));
        assertThrows(IllegalStateException.class, () -> operation.choosePin("1234"));
        assertArrayEquals(bytes("w2"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void tamperedStateFileIsCorrupt() throws Exception {
        CardOs.create(dir, WALLET, bytes("wallet-1"));
        Path state = dir.resolve(CardOs.STATE_FILE);
        byte[] sealed = Files.readAllBytes(state);
        for (byte[] damaged : TestBytes.damagedCopies(sealed)) {
            Files.write(state, damaged);
            assertEquals(Kind.INTERNAL, assertCode(CardOsException.STORAGE_CORRUPT, () -> CardOs.open(dir)).kind());
        }
        Files.write(state, sealed);
        assertArrayEquals(bytes("wallet-1"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void stateFileUnderAnotherCardsKeyIsCorrupt() throws Exception {
        Path mine = dir.resolve("mine");
        Path other = dir.resolve("other");
        CardOs.create(mine, WALLET, bytes("mine"));
        CardOs.create(other, WALLET, bytes("other"));
        Files.copy(mine.resolve(CardOs.STATE_FILE), other.resolve(CardOs.STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
        assertCode(CardOsException.STORAGE_CORRUPT, () -> CardOs.open(other));
    }

    @Test
    void storageKeyOfTheWrongLengthIsCorrupt() throws Exception {
        CardOs.create(dir, WALLET, bytes("w"));
        Files.write(dir.resolve(CardOs.KEY_FILE), new byte[31]);
        assertCode(CardOsException.STORAGE_CORRUPT, () -> CardOs.open(dir));
    }

    @Test
    void stateFileShowsNeitherRecordsNorApplicationIds() throws Exception {
        CardOs card = CardOs.create(dir, WALLET, bytes("a secret record"));
        try (Operation operation = card.application(LOYALTY).begin()) {
            operation.choosePin("86420975");
            operation.commit(bytes("another secret"));
        }
        byte[] file = Files.readAllBytes(dir.resolve(CardOs.STATE_FILE));
        for (String clear : new String[] {"a secret record", "another secret", WALLET.value(), CardImage.DOMAIN, "86420975"}) {
            assertFalse(contains(file, bytes(clear)), clear + " in clear");
        }
        assertFalse(card.toString().contains("secret"), card.toString());
    }

    /** A crash after the temporary file was (partly) written but before the rename: the card is the old one. */
    @Test
    void interruptedWriteLeavesTheOldState() throws Exception {
        CardOs.create(dir, WALLET, bytes("before"));
        Path temp = dir.resolve(CardOs.STATE_FILE + ".tmp");
        Files.write(temp, Arrays.copyOf(Files.readAllBytes(dir.resolve(CardOs.STATE_FILE)), 20));
        CardOs reopened = CardOs.open(dir);
        assertArrayEquals(bytes("before"), reopened.application(WALLET).record().orElseThrow());

        try (Operation operation = reopened.application(WALLET).begin()) {
            operation.commit(bytes("after"));
        }
        assertArrayEquals(bytes("after"), CardOs.open(dir).application(WALLET).record().orElseThrow());
        assertFalse(Files.exists(temp));
    }

    /** A write that fails half-way changes nothing, on disk or in memory, and the next one succeeds. */
    @Test
    void failedWriteChangesNothing() throws Exception {
        CardOs card = CardOs.create(dir, WALLET, bytes("before"));
        Path blocker = blockTheTemporaryFile(dir);
        Operation operation = card.application(WALLET).begin();
        CardOsException e = assertCode(CardOsException.STORAGE_FAILED, () -> operation.commit(bytes("after")));
        assertEquals(Kind.INTERNAL, e.kind());
        assertArrayEquals(bytes("before"), card.application(WALLET).record().orElseThrow());
        assertArrayEquals(bytes("before"), CardOs.open(dir).application(WALLET).record().orElseThrow());

        unblock(blocker);
        operation.commit(bytes("after"));
        assertArrayEquals(bytes("after"), CardOs.open(dir).application(WALLET).record().orElseThrow());
    }

    @Test
    void imageEncodingIsCanonical() {
        CardImage image = CardImage.of(WALLET, bytes("w")).withRecord(LOYALTY, bytes("l")).withPin(HolderPin.choose("1234"));
        byte[] encoded = image.encode();
        CardImage decoded = CardImage.decode(encoded);
        assertArrayEquals(encoded, decoded.encode());
        assertEquals(image.holder(), decoded.holder());
        assertArrayEquals(bytes("l"), decoded.record(LOYALTY).orElseThrow());
        assertThrows(RuntimeException.class, () -> CardImage.decode(Arrays.copyOf(encoded, encoded.length + 1)));

        // the two records in descending order: a second encoding of the same card, refused
        byte[] reordered = escudo.crypto.CanonicalWriter.domain(CardImage.DOMAIN).u8(0).u32(2)
                .string(WALLET.value()).bytes(bytes("w")).string(LOYALTY.value()).bytes(bytes("l")).toByteArray();
        assertThrows(IllegalArgumentException.class, () -> CardImage.decode(reordered));
    }

    /** A directory where the temporary file goes makes every write fail before the rename. */
    static Path blockTheTemporaryFile(Path cardDir) throws Exception {
        Path blocker = cardDir.resolve(CardOs.STATE_FILE + ".tmp");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("x"), "blocks the temporary file");
        return blocker;
    }

    static void unblock(Path blocker) throws Exception {
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
    }

    static CardOsException assertCode(ErrorCode code, Executable action) {
        return Refusals.assertRefused(CardOsException.class, code, action);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
