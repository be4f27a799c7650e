package escudo.bank;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A request the bank refuses; the code is stable and the message says why in plain words. The
 * codes are the issuer role's ({@code issuer.*}), whichever system the request came through.
 */
public final class BankException extends EscudoException {

    public static final ErrorCode UNKNOWN_CUSTOMER = ErrorCode.declare("issuer.unknown-customer", Kind.NOT_FOUND);
    public static final ErrorCode UNKNOWN_MERCHANT = ErrorCode.declare("issuer.unknown-merchant", Kind.NOT_FOUND);
    public static final ErrorCode DUPLICATE = ErrorCode.declare("issuer.duplicate", Kind.CONFLICT);
    public static final ErrorCode INVALID_APPLICATION = ErrorCode.declare("issuer.invalid-application", Kind.INVALID);
    public static final ErrorCode INVALID_AMOUNT = ErrorCode.declare("issuer.invalid-amount", Kind.INVALID);
    public static final ErrorCode INSUFFICIENT_FUNDS = ErrorCode.declare("issuer.insufficient-funds", Kind.REFUSED);
    public static final ErrorCode UNKNOWN_CARD = ErrorCode.declare("issuer.unknown-card", Kind.NOT_FOUND);

    public BankException(ErrorCode code, String message) {
        super(code, message);
    }

    /** A party the bank knows but whose ledger account is missing: the code says which, the fault is ours. */
    static BankException missingAccount(ErrorCode code, String message) {
        return new BankException(Kind.INTERNAL, code, message);
    }

    private BankException(Kind kind, ErrorCode code, String message) {
        super(kind, code, message);
    }
}
