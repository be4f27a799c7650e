package escudo.http;

import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.WireTypes.wire;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.testing.WireTypes;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): the JSON mapping itself, over records of every kind of value it
 * maps (money, instants, bytes, keys, texts, maps, lists, enums, numbers, nested and optional
 * values), and the problem documents a client reads from any server. For any body
 * {@link Json#read} returns the record or refuses with a typed exception, and what it returns
 * writes and reads back as itself; {@link Json#readProblem} returns a problem or null, and a
 * problem becomes a typed exception or is refused as no code.
 */
class JsonFuzzTest {

    enum Side { BUY, SELL }

    record Leg(Side side, Money amount, String memo) {
    }

    record Everything(String id, long count, int small, boolean flag, Money amount, Instant at, Bytes token,
                      VerifyingKey key, List<Leg> legs, Map<String, Long> totals, Side side, Everything next) {
    }

    private static final VerifyingKey KEY = SigningKey.fromSeed(HexFormat.of().parseHex("01".repeat(32))).verifyingKey();
    private static final Everything LEAF = new Everything("leaf", -1, 0, false, Money.of(-5, "JPY"),
            Instant.parse("1970-01-01T00:00:00Z"), Bytes.EMPTY, KEY, List.of(), Map.of(), Side.SELL, null);
    private static final Everything TREE = new Everything("p-1", Long.MAX_VALUE, 7, true, Money.of(1250, "EUR"),
            Instant.parse("2025-01-31T12:00:00.123456789Z"), Bytes.of(new byte[] {1, 2, 3, (byte) 0xff}), KEY,
            List.of(new Leg(Side.BUY, Money.of(1, "BHD"), "café ☕"), new Leg(Side.SELL, Money.of(0, "USD"), null)),
            Map.of("EUR", 0L, "USD", -3L), Side.BUY, LEAF);

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(Everything.class, TREE), wire(Leg.class, TREE.legs().get(0)), wire(Money.class, TREE.amount())));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesAnyBodyAndReadsBackWhatItWrites(byte[] input) {
        WIRES.readOrRefuse(input);
    }

    static Stream<byte[]> problems() {
        return Stream.of(Json.write(Problem.of(new EscudoException(Json.MALFORMED, "field 'amount' has the wrong type"), "/issuer/x")),
                ("{\"type\":\"about:blank\",\"title\":\"Teapot\",\"status\":418,\"detail\":\"short and stout\",\"code\":\"tea.pot\","
                        + "\"extension\":[1,{\"a\":null}]}").getBytes(UTF_8));
    }

    @MethodSource("problems")
    @FuzzTest(maxDuration = "5s")
    void readsAnyProblemDocumentAsAProblemOrNothing(byte[] body) {
        Problem problem = Json.readProblem(body);
        if (problem != null) {
            try {
                ErrorCode code = problem.toException().code();
                decodedOrRefused(() -> Json.read(Json.write(problem), Problem.class));
                if (!code.value().equals(problem.code())) {
                    throw new AssertionError("problem code " + problem.code() + " became " + code);
                }
            } catch (IllegalArgumentException notACode) {
                // documented: a problem whose code is no code; the client reports the bare HTTP error
            }
        }
    }
}
