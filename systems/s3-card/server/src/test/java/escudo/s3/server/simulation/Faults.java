package escudo.s3.server.simulation;

import escudo.core.EscudoException;
import escudo.http.PartyClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The network between the parties, drawn from the simulation's one random source: each message
 * is delivered, lost on the way there, lost on the way back after the receiver acted on it, or
 * delivered twice. The rates are per seed, so some seeds run on a calm network and some on a
 * stormy one. Every fault injected is noted for the step's line in the trace.
 */
final class Faults {

    enum Fault {
        NONE, LOSE_REQUEST, LOSE_RESPONSE, DUPLICATE, OFFLINE
    }

    private final SplittableRandom random;
    /** Per mille of messages hit by each kind of fault. */
    private final int lostRequests;
    private final int lostResponses;
    private final int duplicates;
    private boolean enabled = true;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> notes = new ArrayList<>();

    Faults(SplittableRandom random) {
        this.random = random;
        int storm = random.nextInt(4); // 0 calm .. 3 stormy
        this.lostRequests = 10 + storm * 30;
        this.lostResponses = 10 + storm * 30;
        this.duplicates = 10 + storm * 25;
    }

    Fault next() {
        if (!enabled) {
            return Fault.NONE;
        }
        int draw = random.nextInt(1000);
        Fault fault = draw < lostRequests ? Fault.LOSE_REQUEST
                : draw < lostRequests + lostResponses ? Fault.LOSE_RESPONSE
                : draw < lostRequests + lostResponses + duplicates ? Fault.DUPLICATE : Fault.NONE;
        if (fault != Fault.NONE) {
            injected.merge(fault, 1, Integer::sum);
        }
        return fault;
    }

    /** A message to or from a party that is offline for a while: lost, unless the network is quiet. */
    Fault offline() {
        if (!enabled) {
            return Fault.NONE;
        }
        injected.merge(Fault.OFFLINE, 1, Integer::sum);
        return Fault.OFFLINE;
    }

    /** For a duplicated message: whether the sender gets the first answer (else the second). */
    boolean firstAnswerWins() {
        return random.nextBoolean();
    }

    /** What the sender sees when its message or the answer is lost: the node's own code for it. */
    EscudoException unreachable(String what, Fault fault) {
        lost(what, fault);
        return new EscudoException(PartyClient.UNREACHABLE, what + ": no answer (simulated " + fault + ")");
    }

    /** Notes a message or answer lost. */
    void lost(String what, Fault fault) {
        note(what + (fault == Fault.LOSE_REQUEST ? " lost" : fault == Fault.OFFLINE ? " lost, offline" : " answer lost"));
    }

    void note(String text) {
        notes.add(text);
    }

    /** The notes since the last call, for the trace. */
    List<String> drainNotes() {
        List<String> out = List.copyOf(notes);
        notes.clear();
        return out;
    }

    void enable(boolean on) {
        enabled = on;
    }

    /** How many faults were injected so far (an operation compares it before and after). */
    int injected() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many of each kind. */
    Map<Fault, Integer> byKind() {
        return new EnumMap<>(injected);
    }

    String describe() {
        return "lost requests " + lostRequests / 10.0 + " %, lost answers " + lostResponses / 10.0 + " %, duplicates " + duplicates / 10.0 + " %";
    }
}
