package escudo.s3.server.simulation;

import escudo.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run as text: one line per step naming what happened by card and shop index, amounts and
 * error codes, never a card number, nonce or other value drawn outside the seed. The last lines
 * go into a failure's report; a SHA-256 chained over all of them is the run's fingerprint, equal
 * for two runs of the same seed exactly when they did the same things with the same outcomes.
 */
final class Trace {

    private final int tail;
    private final Deque<String> last = new ArrayDeque<>();
    private byte[] chain = new byte[32];
    private final Map<String, Integer> operations = new TreeMap<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();

    Trace(int tail) {
        this.tail = tail;
    }

    void add(String line) {
        chain = Digest.sha256(chain, line.getBytes(StandardCharsets.UTF_8));
        last.addLast(line);
        if (last.size() > tail) {
            last.removeFirst();
        }
    }

    void countOperation(String name) {
        operations.merge(name, 1, Integer::sum);
    }

    /** An outcome worth a figure: a refusal code, a deposit status, a fault. */
    void countOutcome(String name) {
        countOutcome(name, 1);
    }

    void countOutcome(String name, int times) {
        outcomes.merge(name, times, Integer::sum);
    }

    List<String> lastLines() {
        return List.copyOf(last);
    }

    String fingerprint() {
        return HexFormat.of().formatHex(chain);
    }

    Map<String, Integer> operations() {
        return Collections.unmodifiableMap(new TreeMap<>(operations));
    }

    Map<String, Integer> outcomes() {
        return Collections.unmodifiableMap(new TreeMap<>(outcomes));
    }
}
