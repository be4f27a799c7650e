package escudo.crypto;

import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Money;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the canonical reader every signed message is parsed with. For
 * any bytes it reads the fields or refuses with {@code crypto.malformed-encoding} (or
 * {@code money.invalid}), and what it accepts is exactly what the writer writes for those values:
 * no second encoding of the same message exists.
 */
class CanonicalReaderFuzzTest {

    private static final String TAG = "escudo/test/every-field/v1";

    record EveryField(int u8, long u32, long i64, String text, byte[] bytes, Money money) {
        byte[] encode() {
            return CanonicalWriter.domain(TAG).u8(u8).u32(u32).i64(i64).string(text).bytes(bytes).money(money).toByteArray();
        }

        static EveryField read(byte[] encoded) {
            CanonicalReader r = CanonicalReader.expect(encoded, TAG);
            EveryField value = new EveryField(r.u8(), r.u32(), r.i64(), r.string(), r.bytes(), r.money());
            r.end();
            return value;
        }
    }

    static Stream<byte[]> seeds() {
        return Stream.of(
                new EveryField(7, 258, -2, "é", new byte[] {9}, Money.of(1250, "EUR")).encode(),
                new EveryField(255, 0xFFFF_FFFFL, Long.MIN_VALUE, "", new byte[0], Money.of(-1, "JPY")).encode(),
                new EveryField(0, 0, Long.MAX_VALUE, "\uD83D\uDCB6 ok", new byte[64], Money.of(0, "BHD")).encode());
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5s")
    void readsOnlyWhatTheWriterWrites(byte[] input) {
        decodedOrRefused(() -> EveryField.read(input))
                .ifPresent(value -> assertArrayEquals(input, value.encode(), () -> "a second encoding was accepted: " + hex(input)));
    }
}
