package escudo.s4.protocol;

/** Seed 004, claim 12: what must hold before one operation on a record is allowed (docs/s4-card.md). */
public enum Condition {
    ALWAYS, PIN, PROVIDER, NEVER;

    public byte code() {
        return (byte) ordinal();
    }

    /** The condition of {@code code}; another byte is {@code s4.wrong-data}. */
    public static Condition of(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("no access condition " + code);
        }
        return values()[code];
    }
}
