package escudo.ledger;

import escudo.core.EscudoException;

/**
 * A transfer or account operation the ledger refused; it changed nothing. Codes:
 * {@code ledger.invalid-request}, {@code ledger.invalid-amount}, {@code ledger.invalid-credit-limit},
 * {@code ledger.same-account}, {@code ledger.currency-mismatch} (INVALID);
 * {@code ledger.unknown-account} (NOT_FOUND); {@code ledger.insufficient-funds} (REFUSED);
 * {@code ledger.duplicate-account}, {@code ledger.transfer-conflict} (CONFLICT).
 */
public final class LedgerException extends EscudoException {

    public static final String INSUFFICIENT_FUNDS = "ledger.insufficient-funds";
    public static final String DUPLICATE_ACCOUNT = "ledger.duplicate-account";

    LedgerException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static LedgerException invalid(String code, String message) {
        return new LedgerException(Kind.INVALID, code, message);
    }

    static LedgerException unknownAccount(String accountId) {
        return new LedgerException(Kind.NOT_FOUND, "ledger.unknown-account", "no account '" + accountId + "'");
    }

    static LedgerException insufficientFunds(String message) {
        return new LedgerException(Kind.REFUSED, INSUFFICIENT_FUNDS, message);
    }

    static LedgerException conflict(String code, String message) {
        return new LedgerException(Kind.CONFLICT, code, message);
    }
}
