package escudo.s4.session;

/** The three exchanges of a session, in order (claims 13-14, 15, 23). */
public enum Phase {
    KEY_EXCHANGE, TRANSACTION, ACKNOWLEDGEMENT;

    static Phase of(int code) {
        if (code < 1 || code > values().length) {
            throw new SessionException(SessionException.MALFORMED, "no such phase");
        }
        return values()[code - 1];
    }

    int code() {
        return ordinal() + 1;
    }
}
