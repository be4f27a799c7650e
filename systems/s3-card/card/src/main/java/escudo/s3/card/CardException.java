package escudo.s3.card;

import escudo.core.EscudoException;

/**
 * A card operation was refused or failed. The code is stable ({@code card.<reason>}); the message
 * is for the person at the terminal and never carries the PIN, a key share or the joint scalar.
 */
public final class CardException extends EscudoException {

    /** {@link Card#manufacture} found a card (state file or storage key) in the directory. */
    public static final String ALREADY_EXISTS = "card.already-exists";
    /** {@link Card#open} found no card in the directory. */
    public static final String NOT_FOUND = "card.not-found";
    /** The state file cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final String STORAGE_CORRUPT = "card.storage-corrupt";
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final String STORAGE_FAILED = "card.storage-failed";
    /** A PIN must have 4 to 12 decimal digits. */
    public static final String BAD_PIN_FORMAT = "card.bad-pin-format";
    /** The card is personalised already; personalisation happens once. */
    public static final String ALREADY_PERSONALISED = "card.already-personalised";
    /** The operation needs a personalised card. */
    public static final String NOT_PERSONALISED = "card.not-personalised";
    /** The certificate, sealed bank share or bank key do not belong together or to this card. */
    public static final String PERSONALISATION_MISMATCH = "card.personalisation-mismatch";
    /** Wrong PIN; the message says how many tries are left. */
    public static final String WRONG_PIN = "card.wrong-pin";
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final String LOCKED = "card.locked";
    /** The payment or withdrawal is not in the card's currency. */
    public static final String CURRENCY_MISMATCH = "card.currency-mismatch";
    /** The card's CARD-CERT has expired (or is not valid yet). */
    public static final String EXPIRED = "card.expired";
    /** The amount exceeds the prepaid value or available credit. */
    public static final String INSUFFICIENT_BALANCE = "card.insufficient-balance";
    /** A cheque card with no cheques left. */
    public static final String NO_CHEQUES_LEFT = "card.no-cheques-left";
    /** An amount or balance is negative, or a withdrawal moves nothing and renews nothing. */
    public static final String BAD_AMOUNT = "card.bad-amount";
    /** The operation does not exist for this kind of card (withdrawal on a cheque card). */
    public static final String NOT_SUPPORTED = "card.not-supported";
    /** A withdrawal acknowledgement is not signed by the card's bank. */
    public static final String MESSAGE_FORGED = "card.message-forged";
    /** A withdrawal acknowledgement arrived but no withdrawal request is pending (e.g. a replay). */
    public static final String NO_PENDING_WITHDRAWAL = "card.no-pending-withdrawal";
    /** A withdrawal acknowledgement does not answer the pending request. */
    public static final String ACK_MISMATCH = "card.ack-mismatch";
    /** The renewed CARD-CERT in an acknowledgement is not a valid successor of the current one. */
    public static final String RENEWAL_MISMATCH = "card.renewal-mismatch";

    CardException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    CardException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}
