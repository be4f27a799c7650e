package escudo.s3.card;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A card operation was refused or failed. The code is stable ({@code card.<reason>}); the message
 * is for the person at the terminal and never carries the PIN, a key share or the joint scalar.
 */
public final class CardException extends EscudoException {

    /** {@link Card#manufacture} found a card (state file or storage key) in the directory. */
    public static final ErrorCode ALREADY_EXISTS = ErrorCode.declare("card.already-exists", Kind.CONFLICT);
    /** {@link Card#open} found no card in the directory. */
    public static final ErrorCode NOT_FOUND = ErrorCode.declare("card.not-found", Kind.NOT_FOUND);
    /** The state file cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final ErrorCode STORAGE_CORRUPT = ErrorCode.declare("card.storage-corrupt", Kind.INTERNAL);
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final ErrorCode STORAGE_FAILED = ErrorCode.declare("card.storage-failed", Kind.INTERNAL);
    /** A PIN must have 4 to 12 decimal digits. */
    public static final ErrorCode BAD_PIN_FORMAT = ErrorCode.declare("card.bad-pin-format", Kind.INVALID);
    /** The card is personalised already; personalisation happens once. */
    public static final ErrorCode ALREADY_PERSONALISED = ErrorCode.declare("card.already-personalised", Kind.CONFLICT);
    /** The operation needs a personalised card. */
    public static final ErrorCode NOT_PERSONALISED = ErrorCode.declare("card.not-personalised", Kind.INVALID);
    /** The certificate, sealed bank share or bank key do not belong together or to this card. */
    public static final ErrorCode PERSONALISATION_MISMATCH = ErrorCode.declare("card.personalisation-mismatch", Kind.UNAUTHENTICATED);
    /** Wrong PIN; the message says how many tries are left. */
    public static final ErrorCode WRONG_PIN = ErrorCode.declare("card.wrong-pin", Kind.UNAUTHENTICATED);
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final ErrorCode LOCKED = ErrorCode.declare("card.locked", Kind.REFUSED);
    /** The payment or withdrawal is not in the card's currency. */
    public static final ErrorCode CURRENCY_MISMATCH = ErrorCode.declare("card.currency-mismatch", Kind.INVALID);
    /** The card's CARD-CERT has expired (or is not valid yet). */
    public static final ErrorCode EXPIRED = ErrorCode.declare("card.expired", Kind.REFUSED);
    /** The amount exceeds the prepaid value or available credit. */
    public static final ErrorCode INSUFFICIENT_BALANCE = ErrorCode.declare("card.insufficient-balance", Kind.REFUSED);
    /** A cheque card with no cheques left. */
    public static final ErrorCode NO_CHEQUES_LEFT = ErrorCode.declare("card.no-cheques-left", Kind.REFUSED);
    /** An amount or balance is negative, or a withdrawal moves nothing and renews nothing. */
    public static final ErrorCode BAD_AMOUNT = ErrorCode.declare("card.bad-amount", Kind.INVALID);
    /** The operation does not exist for this kind of card (withdrawal on a cheque card). */
    public static final ErrorCode NOT_SUPPORTED = ErrorCode.declare("card.not-supported", Kind.INVALID);
    /** A withdrawal acknowledgement is not signed by the card's bank. */
    public static final ErrorCode MESSAGE_FORGED = ErrorCode.declare("card.message-forged", Kind.UNAUTHENTICATED);
    /** A withdrawal acknowledgement arrived but no withdrawal request is pending (e.g. a replay). */
    public static final ErrorCode NO_PENDING_WITHDRAWAL = ErrorCode.declare("card.no-pending-withdrawal", Kind.CONFLICT);
    /** A withdrawal acknowledgement does not answer the pending request. */
    public static final ErrorCode ACK_MISMATCH = ErrorCode.declare("card.ack-mismatch", Kind.INVALID);
    /** The renewed CARD-CERT in an acknowledgement is not a valid successor of the current one. */
    public static final ErrorCode RENEWAL_MISMATCH = ErrorCode.declare("card.renewal-mismatch", Kind.INVALID);

    CardException(ErrorCode code, String message) {
        super(code, message);
    }

    CardException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
