package escudo.cardos;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * The card OS refused or failed. The codes are the card's ({@code card.<reason>}), the same for
 * every application on it; an application passes them on to its own caller unchanged. Messages
 * never carry the PIN or a record.
 */
public final class CardOsException extends EscudoException {

    /** {@link CardOs#create} found a card (state file or storage key) in the directory. */
    public static final ErrorCode ALREADY_EXISTS = ErrorCode.declare("card.already-exists", Kind.CONFLICT);
    /** {@link CardOs#open} found no card in the directory. */
    public static final ErrorCode NOT_FOUND = ErrorCode.declare("card.not-found", Kind.NOT_FOUND);
    /** The directory holds a card made before the card OS ({@code card.state}), which this release does not read. */
    public static final ErrorCode EARLIER_FORMAT = ErrorCode.declare("card.earlier-format", Kind.INVALID);
    /** The state file cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final ErrorCode STORAGE_CORRUPT = ErrorCode.declare("card.storage-corrupt", Kind.INTERNAL);
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final ErrorCode STORAGE_FAILED = ErrorCode.declare("card.storage-failed", Kind.INTERNAL);
    /** A PIN must have 4 to 12 decimal digits. */
    public static final ErrorCode BAD_PIN_FORMAT = ErrorCode.declare("card.bad-pin-format", Kind.INVALID);
    /** Wrong PIN; the message says how many tries are left. */
    public static final ErrorCode WRONG_PIN = ErrorCode.declare("card.wrong-pin", Kind.UNAUTHENTICATED);
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final ErrorCode LOCKED = ErrorCode.declare("card.locked", Kind.REFUSED);
    /** The holder cannot be verified before choosing a PIN. */
    public static final ErrorCode NO_PIN = ErrorCode.declare("card.no-pin", Kind.INVALID);
    /** The holder chose the PIN already; it is chosen once. */
    public static final ErrorCode PIN_ALREADY_CHOSEN = ErrorCode.declare("card.pin-already-chosen", Kind.CONFLICT);

    CardOsException(ErrorCode code, String message) {
        super(code, message);
    }

    CardOsException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
