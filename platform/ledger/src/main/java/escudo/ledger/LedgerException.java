package escudo.ledger;

import escudo.core.EscudoException;

/**
 * A transfer or account operation the ledger refused; it changed nothing. Codes:
 * {@code ledger.invalid-request}, {@code ledger.invalid-amount}, {@code ledger.invalid-credit-limit},
 * {@code ledger.same-account}, {@code ledger.currency-mismatch} (INVALID);
 * {@code ledger.unknown-account}, {@code ledger.unknown-hold} (NOT_FOUND); {@code ledger.insufficient-funds},
 * {@code ledger.hold-posted}, {@code ledger.hold-voided}, {@code ledger.hold-expired} (REFUSED);
 * {@code ledger.duplicate-account}, {@code ledger.transfer-conflict} (CONFLICT).
 */
public final class LedgerException extends EscudoException {

    public static final String INSUFFICIENT_FUNDS = "ledger.insufficient-funds";
    public static final String DUPLICATE_ACCOUNT = "ledger.duplicate-account";
    public static final String TRANSFER_CONFLICT = "ledger.transfer-conflict";
    public static final String UNKNOWN_HOLD = "ledger.unknown-hold";
    /** Voiding a hold that was posted. */
    public static final String HOLD_POSTED = "ledger.hold-posted";
    /** Posting a hold that was voided. */
    public static final String HOLD_VOIDED = "ledger.hold-voided";
    /** Posting a hold past its expiry. */
    public static final String HOLD_EXPIRED = "ledger.hold-expired";

    LedgerException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static LedgerException invalid(String code, String message) {
        return new LedgerException(Kind.INVALID, code, message);
    }

    static LedgerException unknownAccount(String accountId) {
        return new LedgerException(Kind.NOT_FOUND, "ledger.unknown-account", "no account '" + accountId + "'");
    }

    static LedgerException unknownHold(String holdId) {
        return new LedgerException(Kind.NOT_FOUND, UNKNOWN_HOLD, "no hold '" + holdId + "'");
    }

    static LedgerException insufficientFunds(String message) {
        return refused(INSUFFICIENT_FUNDS, message);
    }

    static LedgerException refused(String code, String message) {
        return new LedgerException(Kind.REFUSED, code, message);
    }

    static LedgerException conflict(String code, String message) {
        return new LedgerException(Kind.CONFLICT, code, message);
    }
}
