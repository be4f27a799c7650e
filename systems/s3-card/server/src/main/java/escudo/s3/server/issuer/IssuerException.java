package escudo.s3.server.issuer;

import escudo.core.EscudoException;

/** An S3 request the bank refuses; the code is stable and the message says why in plain words. The
 * codes every system of the bank shares are {@link escudo.bank.BankException}'s. */
public final class IssuerException extends EscudoException {

    public static final String CURRENCY_MISMATCH = "issuer.currency-mismatch";
    public static final String STALE_REQUEST = "issuer.stale-request";
    public static final String REPLAYED_REQUEST = "issuer.replayed-request";
    public static final String CARD_BLACKLISTED = "issuer.card-blacklisted";
    public static final String CERTIFICATE_NOT_REGISTERED = "issuer.certificate-not-registered";
    public static final String WRONG_MERCHANT = "issuer.wrong-merchant";
    public static final String DOUBLE_SPEND = "issuer.double-spend";
    public static final String INSUFFICIENT_CARD_BALANCE = "issuer.insufficient-card-balance";
    public static final String CHEQUE_BOUNCED = "issuer.cheque-bounced";
    public static final String PAYMENT_FROM_FUTURE = "issuer.payment-from-future";
    public static final String BALANCE_MISMATCH = "issuer.balance-mismatch";
    public static final String OVER_CREDIT_LIMIT = "issuer.over-credit-limit";
    public static final String NOT_SUPPORTED = "issuer.not-supported";

    IssuerException(Kind kind, String code, String message) {
        super(kind, code, message);
    }
}
