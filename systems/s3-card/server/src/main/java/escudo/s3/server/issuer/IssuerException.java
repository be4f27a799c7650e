package escudo.s3.server.issuer;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** An S3 request the bank refuses; the code is stable and the message says why in plain words. The
 * codes every system of the bank shares are {@link escudo.bank.BankException}'s. */
public final class IssuerException extends EscudoException {

    public static final ErrorCode CURRENCY_MISMATCH = ErrorCode.declare("issuer.currency-mismatch", Kind.INVALID);
    public static final ErrorCode STALE_REQUEST = ErrorCode.declare("issuer.stale-request", Kind.UNAUTHENTICATED);
    public static final ErrorCode REPLAYED_REQUEST = ErrorCode.declare("issuer.replayed-request", Kind.CONFLICT);
    public static final ErrorCode CARD_BLACKLISTED = ErrorCode.declare("issuer.card-blacklisted", Kind.REFUSED);
    public static final ErrorCode CERTIFICATE_NOT_REGISTERED = ErrorCode.declare("issuer.certificate-not-registered", Kind.UNAUTHENTICATED);
    public static final ErrorCode WRONG_MERCHANT = ErrorCode.declare("issuer.wrong-merchant", Kind.REFUSED);
    public static final ErrorCode DOUBLE_SPEND = ErrorCode.declare("issuer.double-spend", Kind.REFUSED);
    public static final ErrorCode INSUFFICIENT_CARD_BALANCE = ErrorCode.declare("issuer.insufficient-card-balance", Kind.REFUSED);
    public static final ErrorCode CHEQUE_BOUNCED = ErrorCode.declare("issuer.cheque-bounced", Kind.REFUSED);
    public static final ErrorCode PAYMENT_FROM_FUTURE = ErrorCode.declare("issuer.payment-from-future", Kind.INVALID);
    public static final ErrorCode BALANCE_MISMATCH = ErrorCode.declare("issuer.balance-mismatch", Kind.REFUSED);
    public static final ErrorCode OVER_CREDIT_LIMIT = ErrorCode.declare("issuer.over-credit-limit", Kind.REFUSED);
    public static final ErrorCode NOT_SUPPORTED = ErrorCode.declare("issuer.not-supported", Kind.INVALID);

    IssuerException(ErrorCode code, String message) {
        super(code, message);
    }
}
