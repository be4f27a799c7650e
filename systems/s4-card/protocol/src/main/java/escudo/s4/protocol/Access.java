package escudo.s4.protocol;

import java.util.Objects;

/** A record's access conditions, one per operation: read it, use its key, update its account information. */
public record Access(Condition read, Condition use, Condition update) {

    public Access {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(update, "update");
    }

    byte[] encode() {
        return new byte[] {read.code(), use.code(), update.code()};
    }
}
