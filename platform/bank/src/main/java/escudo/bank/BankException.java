package escudo.bank;

import escudo.core.EscudoException;

/**
 * A request the bank refuses; the code is stable and the message says why in plain words. The
 * codes are the issuer role's ({@code issuer.*}), whichever system the request came through.
 */
public final class BankException extends EscudoException {

    public static final String UNKNOWN_CUSTOMER = "issuer.unknown-customer";
    public static final String UNKNOWN_MERCHANT = "issuer.unknown-merchant";
    public static final String DUPLICATE = "issuer.duplicate";
    public static final String INVALID_APPLICATION = "issuer.invalid-application";
    public static final String INSUFFICIENT_FUNDS = "issuer.insufficient-funds";
    public static final String UNKNOWN_CARD = "issuer.unknown-card";

    public BankException(Kind kind, String code, String message) {
        super(kind, code, message);
    }
}
