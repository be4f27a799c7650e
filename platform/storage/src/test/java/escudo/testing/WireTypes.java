package escudo.testing;

import static escudo.testing.Decoding.decodedOrRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One fuzz target over several wire types of a JSON mapping (docs/fuzzing.md): the first byte of
 * an input picks the type, the rest is the body. For any body the mapping reads a value or refuses
 * with a typed exception; a value it read writes and reads back as itself; and each type's own
 * check holds (for a signed message: if it verifies, it is the message that was signed). The
 * mapping is passed in ({@code escudo.http.Json::read}, {@code Json::write}), so this package
 * needs no JSON library.
 */
public final class WireTypes {

    /** A wire type, a valid example the fuzzer starts from, and what must hold for any value read. */
    public record Wire<T>(Class<T> type, T example, Consumer<? super T> check) {
    }

    private final BiFunction<byte[], Class<?>, Object> read;
    private final Function<Object, byte[]> write;
    private final List<Wire<?>> wires;

    public WireTypes(BiFunction<byte[], Class<?>, Object> read, Function<Object, byte[]> write, List<Wire<?>> wires) {
        if (wires.isEmpty() || wires.size() > 256) {
            throw new IllegalArgumentException("1 to 256 wire types");
        }
        this.read = read;
        this.write = write;
        this.wires = List.copyOf(wires);
    }

    public static <T> Wire<T> wire(Class<T> type, T example) {
        return new Wire<>(type, example, value -> { });
    }

    public static <T> Wire<T> wire(Class<T> type, T example, Consumer<? super T> check) {
        return new Wire<>(type, example, check);
    }

    /** One seed per type: its selector byte, then the JSON of its example. */
    public Stream<byte[]> seeds() {
        return IntStream.range(0, wires.size()).mapToObj(i -> input(i, write.apply(wires.get(i).example())));
    }

    /** The property, for one fuzz input. */
    public void readOrRefuse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        check(wires.get((input[0] & 0xFF) % wires.size()), Arrays.copyOfRange(input, 1, input.length));
    }

    private <T> void check(Wire<T> wire, byte[] body) {
        decodedOrRefused(() -> wire.type().cast(read.apply(body, wire.type()))).ifPresent(value -> {
            byte[] written = write.apply(value);
            assertEquals(value, read.apply(written, wire.type()),
                    () -> wire.type().getSimpleName() + " does not read back as itself from " + new String(written,
                            java.nio.charset.StandardCharsets.UTF_8));
            wire.check().accept(value);
        });
    }

    private static byte[] input(int selector, byte[] body) {
        byte[] input = new byte[body.length + 1];
        input[0] = (byte) selector;
        System.arraycopy(body, 0, input, 1, body.length);
        return input;
    }
}
