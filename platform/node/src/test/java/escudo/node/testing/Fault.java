package escudo.node.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * What the {@link FaultProxy} does to one HTTP request on its way between two parties. Each fault
 * is what a real network or a real crash does, seen from the client: it never learns more than
 * "no answer" unless the server's answer reaches it.
 *
 * <p>A fault may carry a hook ({@link #then}), which the proxy runs once the server's part is over
 * and before the client hears anything: after the server answered, or, for the faults that never
 * forward, where the request would have been forwarded. That is where a test restarts a node "in
 * the middle" of an exchange, deterministically.
 *
 * @param delay how long {@link Kind#DELAY} holds the request; zero for the other kinds
 * @param hook  what runs between the server's part and the client's, or null
 */
public record Fault(Kind kind, Duration delay, Runnable hook) {

    public enum Kind {
        /** Forwarded, and the answer returned. */
        PASS,
        /** Read from the client and never forwarded; the client's connection is closed (FIN). */
        LOSE_REQUEST,
        /** Forwarded and answered by the server, which did the work; the client's connection is closed before the answer. */
        LOSE_RESPONSE,
        /** Forwarded twice, one after the other, as a retrying middlebox does; the client gets the answer to the second delivery. */
        DUPLICATE,
        /** Held for {@link #delay()}, then forwarded; the answer is returned if the client still waits. */
        DELAY,
        /** Never forwarded; the client's connection is reset (RST, linger 0). */
        RESET,
        /** Forwarded and answered by the server; the client's connection is then reset (RST) instead of answered. */
        RESET_AFTER_ANSWER
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || (kind == Kind.DELAY) == delay.isZero()) {
            throw new IllegalArgumentException("a delay is positive, and only a DELAY has one");
        }
    }

    public static Fault pass() {
        return new Fault(Kind.PASS, Duration.ZERO, null);
    }

    public static Fault loseRequest() {
        return new Fault(Kind.LOSE_REQUEST, Duration.ZERO, null);
    }

    public static Fault loseResponse() {
        return new Fault(Kind.LOSE_RESPONSE, Duration.ZERO, null);
    }

    public static Fault duplicate() {
        return new Fault(Kind.DUPLICATE, Duration.ZERO, null);
    }

    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, delay, null);
    }

    public static Fault reset() {
        return new Fault(Kind.RESET, Duration.ZERO, null);
    }

    public static Fault resetAfterAnswer() {
        return new Fault(Kind.RESET_AFTER_ANSWER, Duration.ZERO, null);
    }

    /** This fault, with {@code hook} run between the server's part and the client's (such as a node's restart). */
    public Fault then(Runnable hook) {
        return new Fault(kind, delay, Objects.requireNonNull(hook, "hook"));
    }

    /** Whether the server sees the request at all. */
    public boolean forwards() {
        return kind != Kind.LOSE_REQUEST && kind != Kind.RESET;
    }

    /** Whether the client gets the server's answer. */
    public boolean answers() {
        return kind == Kind.PASS || kind == Kind.DUPLICATE || kind == Kind.DELAY;
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.DELAY ? " " + delay.toMillis() + " ms" : "") + (hook != null ? " then a hook" : "");
    }
}
