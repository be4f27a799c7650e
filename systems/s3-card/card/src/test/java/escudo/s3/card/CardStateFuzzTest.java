package escudo.s3.card;

import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Refusals.assertRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.cardos.CardOs;
import escudo.cardos.Operation;
import escudo.core.Money;
import escudo.s3.protocol.CardKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the S3 application's record on the card OS, which the card
 * decodes every time it is opened. For any record {@link CardState#decode} returns a state or
 * refuses, with a typed exception or the {@link IllegalArgumentException} of its own range checks
 * (both of which {@link Card#open} reports as {@code card.storage-corrupt}); a state it returns
 * encodes to exactly the record it was read from.
 */
class CardStateFuzzTest {

    private static final Path CARDS = temporaryDirectory();
    /** The records of a blank card, a personalised one, and one with a withdrawal pending. */
    private static final List<byte[]> RECORDS = recordsOfThreeCards();

    static Stream<byte[]> records() {
        return RECORDS.stream();
    }

    @MethodSource("records")
    @FuzzTest(maxDuration = "5s")
    void decodesOnlyRecordsItWouldWriteItself(byte[] record) {
        decodedOrRangeRefused(record).ifPresent(state ->
                assertArrayEquals(record, state.encode(), () -> "a second encoding of a card state: " + hex(record)));
    }

    @Test
    void theSeedRecordsDecodeToTheCardsTheyCameFrom() {
        assertEquals("CardState(blank)", CardState.decode(RECORDS.get(0)).toString());
        CardState pending = CardState.decode(RECORDS.get(2));
        CardState.Pending request = pending.pending();
        assertEquals(List.of(1L, 500L, 2000L, false), List.of(request.sequence(), request.amount(), request.cardBalance(), request.renew()));
        assertEquals(2000, pending.balance());
    }

    /**
     * Found by this target: the transport key of a blank card is any 32 bytes to X25519, which
     * clamps them, so a record with an unclamped key decoded and wrote back another record.
     */
    @Test
    void aBlankCardRecordWithAnUnclampedTransportKeyIsCorrupt() throws IOException {
        byte[] found = HexFormat.of().parseHex("0000001165736375646f2f73332f636172642f763100000020499474f35bed0ee015402b170b9252"
                + "ca43e5e582d1130ca0962abcb27111820e00000000205e0000000000000077957c68a0959bd0066397e251d619425458e4e112347f74");
        assertThrows(IllegalArgumentException.class, () -> CardState.decode(found));
        byte[] clamped = found.clone();
        clamped[62] &= (byte) 0xF8; // the key's first byte, as X25519 clamps it
        assertArrayEquals(clamped, CardState.decode(clamped).encode());

        Path card = Files.createTempDirectory(CARDS, "unclamped");
        new TestBank().manufacture(card);
        try (Operation op = CardOs.open(card).application(Card.APPLICATION).begin()) {
            op.commit(found);
        }
        assertRefused(CardException.class, CardException.STORAGE_CORRUPT, () -> Card.open(card));
    }

    /** A flag is 0 or 1: any other value of the renew flag read as "no renewal" and wrote back 0. */
    @Test
    void aPendingWithdrawalWhoseRenewFlagIsNeitherZeroNorOneIsCorrupt() {
        byte[] pending = RECORDS.get(2);
        int renewAt = pending.length - 1 - 8 - (4 + 64); // the flag, then the request's time and its signature
        assertEquals(0, pending[renewAt]);
        for (int flag : new int[] {2, 0x80, 0xFF}) {
            byte[] altered = pending.clone();
            altered[renewAt] = (byte) flag;
            assertThrows(IllegalArgumentException.class, () -> CardState.decode(altered), () -> "renew flag " + flag);
        }
        byte[] renew = pending.clone();
        renew[renewAt] = 1;
        assertTrue(CardState.decode(renew).pending().renew());
    }

    private static Optional<CardState> decodedOrRangeRefused(byte[] record) {
        try {
            return decodedOrRefused(() -> CardState.decode(record));
        } catch (IllegalArgumentException outOfRange) {
            return Optional.empty();
        }
    }

    private static List<byte[]> recordsOfThreeCards() {
        TestBank bank = new TestBank();
        bank.manufacture(CARDS.resolve("blank"));
        bank.issue(CARDS.resolve("issued"), CardKind.CASH, 2500);
        Card pending = bank.issue(CARDS.resolve("pending"), CardKind.CASH, 2000);
        pending.requestWithdrawal(Money.of(500, "EUR"), false, TestBank.PIN);
        return Stream.of("blank", "issued", "pending")
                .map(name -> CardOs.open(CARDS.resolve(name)).application(Card.APPLICATION).record().orElseThrow()).toList();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("escudo-fuzz-card");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void deleteTheCards() throws IOException {
        try (Stream<Path> files = Files.walk(CARDS)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
