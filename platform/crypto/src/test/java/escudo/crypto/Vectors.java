package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import escudo.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.function.Executable;

/** The published test vectors in src/test/resources/vectors (their sources: SOURCES.md there). */
final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    static JsonNode load(String file) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no test vector file " + file);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(JsonNode node) {
        return HEX.parseHex(node.asText());
    }

    /** Every test of a Wycheproof file with its group; the file's own count must match, so none is lost. */
    static void eachWycheproofTest(JsonNode file, BiConsumer<JsonNode, JsonNode> test) {
        int seen = 0;
        for (JsonNode group : file.get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                test.accept(group, t);
                seen++;
            }
        }
        assertEquals(file.get("numberOfTests").asInt(), seen, "tests in the file");
    }

    static String name(JsonNode test) {
        return "tcId " + test.get("tcId").asInt() + " (" + test.get("comment").asText() + ", " + test.get("flags") + ")";
    }

    /**
     * Runs a step a vector expects to be refused. Refused means a {@link CryptoException} with one of
     * {@code codes}: any other exception (IllegalStateException, ArrayIndexOutOfBoundsException...)
     * fails the test, as it would reach a user as a fault on our side.
     */
    static CryptoException refused(String name, Executable step, ErrorCode... codes) {
        CryptoException e = assertThrows(CryptoException.class, step, name);
        assertTrue(List.of(codes).contains(e.code()), name + ": refused as " + e.code() + ", expected one of " + List.of(codes));
        return e;
    }

    /** What a vector test ran, by the result the file expects, and what it left out and why. */
    static final class Tally {

        private final Map<String, Integer> ran = new TreeMap<>();
        private final Map<String, Integer> filtered = new TreeMap<>();

        void ran(String expectedResult) {
            ran.merge(expectedResult, 1, Integer::sum);
        }

        void filtered(String reason) {
            filtered.merge(reason, 1, Integer::sum);
        }

        /** The exact counts, so that a test which silently ran fewer cases (or none) fails. */
        void assertCounts(Map<String, Integer> expectedRan, Map<String, Integer> expectedFiltered) {
            assertEquals(new TreeMap<>(expectedRan), ran, "cases run, by expected result");
            assertEquals(new TreeMap<>(expectedFiltered), filtered, "cases left out, by reason");
        }
    }
}
