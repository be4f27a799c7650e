package escudo.s3.card;

import escudo.cardos.CardOsException;
import escudo.core.EscudoException;

/**
 * A card operation was refused or failed. The code is stable ({@code card.<reason>}); the message
 * is for the person at the terminal and never carries the PIN, a key share or the joint scalar.
 * The codes of the card's storage and of the PIN are the card OS's ({@link CardOsException}),
 * passed on with their kind and message.
 */
public final class CardException extends EscudoException {

    /** {@link Card#manufacture} found a card (state file or storage key) in the directory. */
    public static final String ALREADY_EXISTS = CardOsException.ALREADY_EXISTS;
    /** {@link Card#open} found no card in the directory, or a card without the S3 application. */
    public static final String NOT_FOUND = CardOsException.NOT_FOUND;
    /** The directory holds a card from before the card OS, which this release does not open. */
    public static final String EARLIER_FORMAT = CardOsException.EARLIER_FORMAT;
    /** The state file or the S3 record cannot be decrypted or parsed: altered, truncated or from another card. */
    public static final String STORAGE_CORRUPT = CardOsException.STORAGE_CORRUPT;
    /** Reading or writing the card's files failed; the operation changed nothing. */
    public static final String STORAGE_FAILED = CardOsException.STORAGE_FAILED;
    /** A PIN must have 4 to 12 decimal digits. */
    public static final String BAD_PIN_FORMAT = CardOsException.BAD_PIN_FORMAT;
    /** The card is personalised already; personalisation happens once. */
    public static final String ALREADY_PERSONALISED = "card.already-personalised";
    /** The operation needs a personalised card. */
    public static final String NOT_PERSONALISED = "card.not-personalised";
    /** The certificate, sealed bank share or bank key do not belong together or to this card. */
    public static final String PERSONALISATION_MISMATCH = "card.personalisation-mismatch";
    /** Wrong PIN; the message says how many tries are left. */
    public static final String WRONG_PIN = CardOsException.WRONG_PIN;
    /** Three wrong PINs in a row locked the card; it refuses every PIN from then on. */
    public static final String LOCKED = CardOsException.LOCKED;
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

    /** The card OS's refusal or failure, as the S3 card's. */
    static CardException of(CardOsException e) {
        return new CardException(e.kind(), e.code(), e.getMessage(), e);
    }
}
