package escudo.s3.server.merchant;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A payment or deposit the merchant refuses; the code is stable, the message says why. */
public final class MerchantException extends EscudoException {

    public static final ErrorCode UNKNOWN_PAYMENT = ErrorCode.declare("merchant.unknown-payment", Kind.NOT_FOUND);
    public static final ErrorCode UNKNOWN_CHECKOUT = ErrorCode.declare("merchant.unknown-checkout", Kind.NOT_FOUND);
    public static final ErrorCode CHECKOUT_MISMATCH = ErrorCode.declare("merchant.checkout-mismatch", Kind.INVALID);
    public static final ErrorCode CHECKOUT_EXPIRED = ErrorCode.declare("merchant.checkout-expired", Kind.REFUSED);
    public static final ErrorCode DUPLICATE_PAYMENT = ErrorCode.declare("merchant.duplicate-payment", Kind.CONFLICT);
    public static final ErrorCode CARD_BLACKLISTED = ErrorCode.declare("merchant.card-blacklisted", Kind.REFUSED);
    public static final ErrorCode ONLINE_CLEARING_REFUSED = ErrorCode.declare("merchant.online-clearing-refused", Kind.REFUSED);
    public static final ErrorCode ONLINE_CLEARING_UNAVAILABLE = ErrorCode.declare("merchant.online-clearing-unavailable", Kind.INTERNAL);
    public static final ErrorCode INVALID_CHECKOUT = ErrorCode.declare("merchant.invalid-checkout", Kind.INVALID);
    public static final ErrorCode STALE_BLACKLIST = ErrorCode.declare("merchant.stale-blacklist", Kind.CONFLICT);
    public static final ErrorCode FOREIGN_BLACKLIST = ErrorCode.declare("merchant.foreign-blacklist", Kind.UNAUTHENTICATED);
    public static final ErrorCode RECEIPT_MISMATCH = ErrorCode.declare("merchant.receipt-mismatch", Kind.UNAUTHENTICATED);

    MerchantException(ErrorCode code, String message) {
        super(code, message);
    }
}
