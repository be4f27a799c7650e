package escudo.s4.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;

/**
 * The status words of the S4 card (ISO/IEC 7816-4, section 5.6), each mapped to a stable code
 * (docs/s4-card.md): the terminal turns a refusal into a {@link CardRefusal} with that code.
 */
public enum CardStatus {
    DONE(0x9000, null, "done"),
    WRONG_PIN(0x63C0, ErrorCode.declare("s4.wrong-pin", Kind.UNAUTHENTICATED), "wrong PIN"),
    PIN_BLOCKED(0x6983, ErrorCode.declare("s4.pin-blocked", Kind.REFUSED), "the PIN is blocked; only the issuer unblocks it"),
    SECURITY_STATUS(0x6982, ErrorCode.declare("s4.security-status", Kind.UNAUTHENTICATED), "the PIN, a session or the record's own provider is needed"),
    CONDITIONS_NOT_SATISFIED(0x6985, ErrorCode.declare("s4.conditions-not-satisfied", Kind.REFUSED), "not allowed: the condition is NEVER, the key is of another type, or a step is missing"),
    BAD_MAC(0x6988, ErrorCode.declare("s4.bad-mac", Kind.UNAUTHENTICATED), "a cryptogram or MAC does not verify; the session is closed"),
    NOT_FOUND(0x6A82, ErrorCode.declare("s4.not-found", Kind.NOT_FOUND), "no such application, domain or record"),
    WRONG_DATA(0x6A80, ErrorCode.declare("s4.wrong-data", Kind.INVALID), "the data does not parse"),
    NO_ROOM(0x6A84, ErrorCode.declare("s4.no-room", Kind.CONFLICT), "no room left on the card"),
    ALREADY_EXISTS(0x6A89, ErrorCode.declare("s4.already-exists", Kind.CONFLICT), "that id is in use"),
    WRONG_LENGTH(0x6700, ErrorCode.declare("s4.wrong-length", Kind.INVALID), "wrong length"),
    WRONG_P1P2(0x6A86, ErrorCode.declare("s4.wrong-p1p2", Kind.INVALID), "wrong P1 or P2"),
    UNKNOWN_INSTRUCTION(0x6D00, ErrorCode.declare("s4.unknown-instruction", Kind.INVALID), "no such instruction"),
    UNKNOWN_CLASS(0x6E00, ErrorCode.declare("s4.unknown-class", Kind.INVALID), "no such class");

    /** A status word no S4 card sends: the card is not what the terminal thinks it is. */
    public static final ErrorCode UNEXPECTED = ErrorCode.declare("s4.unexpected-status", Kind.INTERNAL);

    private final int sw;
    private final ErrorCode code;
    private final String meaning;

    CardStatus(int sw, ErrorCode code, String meaning) {
        this.sw = sw;
        this.code = code;
        this.meaning = meaning;
    }

    /** What the status word means, in a few words. */
    public String meaning() {
        return meaning;
    }

    /** The status word; for {@link #WRONG_PIN} with no tries counted in. */
    public int sw() {
        return sw;
    }

    public ErrorCode code() {
        return code;
    }

    /** The status of {@code sw}: {@code 63Cx} is {@link #WRONG_PIN} whatever x is. */
    public static CardStatus of(int sw) {
        if ((sw & 0xFFF0) == WRONG_PIN.sw) {
            return WRONG_PIN;
        }
        for (CardStatus status : values()) {
            if (status.sw == sw) {
                return status;
            }
        }
        throw new EscudoException(UNEXPECTED, "the card answered status word " + String.format("%04X", sw));
    }
}
