package escudo.s3.card;

import escudo.cardos.CardOsException;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A card operation was refused or failed. The code is stable ({@code card.<reason>}); the message
 * is for the person at the terminal and never carries the PIN, a key share or the joint scalar.
 * The codes of the card's storage and of the PIN are the card OS's ({@link CardOsException}),
 * passed on with their kind and message.
 */
public final class CardException extends EscudoException {

    /** {@link Card#manufacture} found a card (state file or storage key) in the directory. */
    public static final ErrorCode ALREADY_EXISTS = CardOsException.ALREADY_EXISTS;
    /** {@link Card#open} found no card in the directory, or a card without the S3 application. */
    public static final ErrorCode NOT_FOUND = CardOsException.NOT_FOUND;
    /** The directory holds a card from before the card OS, which this release does not open. */
    public static final ErrorCode EARLIER_FORMAT = CardOsException.EARLIER_FORMAT;
    /** The state file or the S3 record cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final ErrorCode STORAGE_CORRUPT = CardOsException.STORAGE_CORRUPT;
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final ErrorCode STORAGE_FAILED = CardOsException.STORAGE_FAILED;
    /** A PIN must have 4 to 12 decimal digits. */
    public static final ErrorCode BAD_PIN_FORMAT = CardOsException.BAD_PIN_FORMAT;
    /** The card is personalised already; personalisation happens once. */
    public static final ErrorCode ALREADY_PERSONALISED = ErrorCode.declare("card.already-personalised", Kind.CONFLICT);
    /** The operation needs a personalised card. */
    public static final ErrorCode NOT_PERSONALISED = ErrorCode.declare("card.not-personalised", Kind.INVALID);
    /** The certificate, sealed bank share or bank key do not belong together or to this card. */
    public static final ErrorCode PERSONALISATION_MISMATCH = ErrorCode.declare("card.personalisation-mismatch", Kind.UNAUTHENTICATED);
    /** Wrong PIN; the message says how many tries are left. */
    public static final ErrorCode WRONG_PIN = CardOsException.WRONG_PIN;
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final ErrorCode LOCKED = CardOsException.LOCKED;
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

    /** The card OS's refusal or failure, as the S3 card's. */
    static CardException of(CardOsException e) {
        return new CardException(e.code(), e.getMessage(), e);
    }
}
