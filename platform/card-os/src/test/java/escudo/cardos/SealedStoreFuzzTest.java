package escudo.cardos;

import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.crypto.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): the card OS opening a state file it did not write. Whatever the
 * file holds, {@link CardOs#open} loads a card or refuses with a {@link CardOsException} (for a
 * file that is not this card's sealed image, {@code card.storage-corrupt}); it never fails another
 * way. Only the exact bytes it sealed open, and an image that opens re-encodes to the plaintext
 * it was read from.
 */
class SealedStoreFuzzTest {

    private static final ApplicationId WALLET = new ApplicationId("test.wallet");
    private static final ApplicationId LOYALTY = new ApplicationId("test.loyalty");

    /** A card with a PIN and two applications, whose state file each input replaces. */
    private static final Card TAMPERED = Card.make("tampered");
    /** A card whose state file each input's plaintext is sealed into with the card's own key. */
    private static final Card FORGED = Card.make("forged");

    private record Card(Path directory, byte[] sealedState, byte[] plaintext, SecretBox box) {
        static Card make(String name) {
            try {
                Path directory = Files.createTempDirectory("escudo-fuzz-" + name);
                CardOs os = CardOs.create(directory, WALLET, "balance 12.50 EUR".getBytes(StandardCharsets.UTF_8));
                try (Operation op = os.application(WALLET).begin()) {
                    op.choosePin("123456");
                    op.commit(new byte[] {1, 2, 3});
                }
                try (Operation op = os.application(LOYALTY).begin()) {
                    op.commit(new byte[0]);
                }
                byte[] key = Files.readAllBytes(directory.resolve(CardOs.KEY_FILE));
                return new Card(directory, Files.readAllBytes(directory.resolve(CardOs.STATE_FILE)), os.image().encode(),
                        SecretBox.derive(key, null, "card-os"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Opens the card after its state file was replaced by {@code state}: the card, or empty if refused. */
        Optional<CardOs> openWithState(byte[] state) {
            try {
                Files.write(directory.resolve(CardOs.STATE_FILE), state);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return Optional.of(CardOs.open(directory));
            } catch (CardOsException refused) {
                assertSame(CardOsException.STORAGE_CORRUPT, refused.code(), refused::getMessage);
                return Optional.empty();
            }
        }

        byte[] seal(byte[] plaintext) {
            return box.seal(plaintext, CardImage.DOMAIN.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Stream<byte[]> sealedStates() {
        return Stream.of(TAMPERED.sealedState());
    }

    @MethodSource("sealedStates")
    @FuzzTest(maxDuration = "5s")
    void opensOnlyTheStateItSealed(byte[] state) {
        TAMPERED.openWithState(state).ifPresent(card ->
                assertArrayEquals(TAMPERED.sealedState(), state, () -> "a state the card did not seal opened: " + hex(state)));
    }

    static Stream<byte[]> plaintexts() {
        CardImage blank = CardImage.of(WALLET, new byte[] {42});
        return Stream.of(FORGED.plaintext(), blank.encode(), new CardImage(null, new java.util.TreeMap<>()).encode());
    }

    @MethodSource("plaintexts")
    @FuzzTest(maxDuration = "5s")
    void readsOnlyWhatTheImageEncodes(byte[] plaintext) {
        FORGED.openWithState(FORGED.seal(plaintext)).ifPresent(card ->
                assertArrayEquals(plaintext, card.image().encode(), () -> "a second encoding of an image was read: " + hex(plaintext)));
    }

    @Test
    void everySingleByteChangeOfTheStateFileIsCorrupt() {
        assertEveryByteFlipRefused(TAMPERED.sealedState(), state -> TAMPERED.openWithState(state).isPresent());
    }

    @AfterAll
    static void deleteTheCards() throws IOException {
        for (Card card : new Card[] {TAMPERED, FORGED}) {
            try (Stream<Path> files = Files.walk(card.directory())) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
