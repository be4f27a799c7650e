package escudo.ledger;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A transfer or account operation the ledger refused; it changed nothing. */
public final class LedgerException extends EscudoException {

    /** A field is missing, blank, too long or otherwise unusable. */
    public static final ErrorCode INVALID_REQUEST = ErrorCode.declare("ledger.invalid-request", Kind.INVALID);
    /** A transfer amount is not positive, or out of range for the accounts. */
    public static final ErrorCode INVALID_AMOUNT = ErrorCode.declare("ledger.invalid-amount", Kind.INVALID);
    /** A credit limit below zero. */
    public static final ErrorCode INVALID_CREDIT_LIMIT = ErrorCode.declare("ledger.invalid-credit-limit", Kind.INVALID);
    /** A transfer from an account to itself. */
    public static final ErrorCode SAME_ACCOUNT = ErrorCode.declare("ledger.same-account", Kind.INVALID);
    /** The amount is not in the account's currency. */
    public static final ErrorCode CURRENCY_MISMATCH = ErrorCode.declare("ledger.currency-mismatch", Kind.INVALID);
    /** No account with that id. */
    public static final ErrorCode UNKNOWN_ACCOUNT = ErrorCode.declare("ledger.unknown-account", Kind.NOT_FOUND);
    /** The debit would take the account below its credit limit (or the limit below the balance). */
    public static final ErrorCode INSUFFICIENT_FUNDS = ErrorCode.declare("ledger.insufficient-funds", Kind.REFUSED);
    /** An account with that id exists already. */
    public static final ErrorCode DUPLICATE_ACCOUNT = ErrorCode.declare("ledger.duplicate-account", Kind.CONFLICT);
    /** A transfer id that already moved something else. */
    public static final ErrorCode TRANSFER_CONFLICT = ErrorCode.declare("ledger.transfer-conflict", Kind.CONFLICT);
    /** No hold with that id. */
    public static final ErrorCode UNKNOWN_HOLD = ErrorCode.declare("ledger.unknown-hold", Kind.NOT_FOUND);
    /** Voiding a hold that was posted. */
    public static final ErrorCode HOLD_POSTED = ErrorCode.declare("ledger.hold-posted", Kind.REFUSED);
    /** Posting a hold that was voided. */
    public static final ErrorCode HOLD_VOIDED = ErrorCode.declare("ledger.hold-voided", Kind.REFUSED);
    /** Posting a hold past its expiry. */
    public static final ErrorCode HOLD_EXPIRED = ErrorCode.declare("ledger.hold-expired", Kind.REFUSED);

    LedgerException(ErrorCode code, String message) {
        super(code, message);
    }

    static LedgerException unknownAccount(String accountId) {
        return new LedgerException(UNKNOWN_ACCOUNT, "no account '" + accountId + "'");
    }

    static LedgerException unknownHold(String holdId) {
        return new LedgerException(UNKNOWN_HOLD, "no hold '" + holdId + "'");
    }

    static LedgerException insufficientFunds(String message) {
        return new LedgerException(INSUFFICIENT_FUNDS, message);
    }
}
