package escudo.cardos;

import java.util.Optional;

/**
 * One application's view of the card: its own record, the holder's status, and operations that
 * change its record. Nothing here reaches another application's record.
 */
public final class Application {

    private final CardOs os;
    private final ApplicationId id;

    Application(CardOs os, ApplicationId id) {
        this.os = os;
        this.id = id;
    }

    public ApplicationId id() {
        return id;
    }

    /** A copy of this application's record as last committed; empty if it has none on this card. */
    public Optional<byte[]> record() {
        return os.image().record(id);
    }

    public HolderStatus holder() {
        return os.holder();
    }

    /** Starts an operation; use it in try-with-resources, so a verified holder's tries come back on a refusal. */
    public Operation begin() {
        return new Operation(os, id);
    }

    @Override
    public String toString() {
        return "Application(" + id + ")";
    }
}
