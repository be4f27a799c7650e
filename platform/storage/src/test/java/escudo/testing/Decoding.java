package escudo.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import escudo.core.EscudoException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The property every fuzz target of a decoder holds (docs/fuzzing.md): for any input the decoder
 * returns a value or refuses with an {@link EscudoException} that has a code. Any other throwable
 * (an index out of bounds, a negative array size, a null pointer, an out-of-memory from a length
 * the attacker chose, a stack overflow) is left to propagate, so the fuzzer reports it as a
 * finding with its own stack trace.
 */
public final class Decoding {

    private Decoding() {
    }

    /** The decoded value, or empty when {@code decoder} refused with a typed exception. */
    public static <T> Optional<T> decodedOrRefused(Supplier<T> decoder) {
        try {
            return Optional.of(decoder.get());
        } catch (EscudoException refused) {
            assertNotNull(refused.code(), "a refusal has a code");
            return Optional.empty();
        }
    }

    /** {@code valid} with the byte at {@code index} XORed with {@code mask} (not zero). */
    public static byte[] flipped(byte[] valid, int index, int mask) {
        byte[] copy = valid.clone();
        copy[index] ^= (byte) mask;
        return copy;
    }

    /**
     * Every single-byte change of {@code valid} is refused: {@code accepts} returns false or throws
     * an {@link EscudoException}. Byte i is flipped in bit i mod 8, so every bit position is
     * covered once per eight bytes while the cost stays one check per byte (the fuzz targets try
     * the other changes).
     */
    public static void assertEveryByteFlipRefused(byte[] valid, Predicate<byte[]> accepts) {
        for (int i = 0; i < valid.length; i++) {
            int mask = 1 << (i % 8);
            byte[] altered = flipped(valid, i, mask);
            if (decodedOrRefused(() -> accepts.test(altered)).orElse(false)) {
                fail("byte " + i + " of " + valid.length + " XOR " + Integer.toHexString(mask) + " was accepted: " + hex(altered));
            }
        }
    }

    /** For a failure message: the input as hex, so a finding can be pasted into a regression test. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
