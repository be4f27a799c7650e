package escudo.cardos;

import escudo.core.EscudoException;

/**
 * The card OS refused or failed. The codes are the card's ({@code card.<reason>}), the same for
 * every application on it; an application passes them on to its own caller unchanged. Messages
 * never carry the PIN or a record.
 */
public final class CardOsException extends EscudoException {

    /** {@link CardOs#create} found a card (state file or storage key) in the directory. */
    public static final String ALREADY_EXISTS = "card.already-exists";
    /** {@link CardOs#open} found no card in the directory. */
    public static final String NOT_FOUND = "card.not-found";
    /** The directory holds a card made before the card OS ({@code card.state}), which this release does not read. */
    public static final String EARLIER_FORMAT = "card.earlier-format";
    /** The state file cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final String STORAGE_CORRUPT = "card.storage-corrupt";
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final String STORAGE_FAILED = "card.storage-failed";
    /** A PIN must have 4 to 12 decimal digits. */
    public static final String BAD_PIN_FORMAT = "card.bad-pin-format";
    /** Wrong PIN; the message says how many tries are left. */
    public static final String WRONG_PIN = "card.wrong-pin";
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final String LOCKED = "card.locked";
    /** The holder cannot be verified before choosing a PIN. */
    public static final String NO_PIN = "card.no-pin";
    /** The holder chose the PIN already; it is chosen once. */
    public static final String PIN_ALREADY_CHOSEN = "card.pin-already-chosen";

    CardOsException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    CardOsException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}
