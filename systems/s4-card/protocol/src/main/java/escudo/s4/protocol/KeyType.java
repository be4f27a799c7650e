package escudo.s4.protocol;

/** Seed 004, claim 10: what a record's key (a P-256 key pair made on the card) is for. */
public enum KeyType {
    /** The record signs (ECDSA P-256 over a SHA-256 hash). */
    SIGNING(1),
    /** The record agrees keys (ECDH P-256). */
    AGREEMENT(2);

    private final int code;

    KeyType(int code) {
        this.code = code;
    }

    public byte code() {
        return (byte) code;
    }

    public static KeyType of(int code) {
        for (KeyType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("no key type " + code);
    }
}
