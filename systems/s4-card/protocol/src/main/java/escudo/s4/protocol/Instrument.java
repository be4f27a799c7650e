package escudo.s4.protocol;

/** Seed 004, claim 11: the kind of instrument a provider's record is. */
public enum Instrument {
    DEBIT(1), CREDIT(2), STORED_VALUE(3), LOYALTY(4), TICKET(5), IDENTITY(6);

    private final int code;

    Instrument(int code) {
        this.code = code;
    }

    public byte code() {
        return (byte) code;
    }

    public static Instrument of(int code) {
        for (Instrument instrument : values()) {
            if (instrument.code == code) {
                return instrument;
            }
        }
        throw new IllegalArgumentException("no instrument type " + code);
    }
}
