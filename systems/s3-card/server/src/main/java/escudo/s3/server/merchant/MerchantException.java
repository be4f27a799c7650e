package escudo.s3.server.merchant;

import escudo.core.EscudoException;

/** A payment or deposit the merchant refuses; the code is stable, the message says why. */
public final class MerchantException extends EscudoException {

    public static final String UNKNOWN_CHECKOUT = "merchant.unknown-checkout";
    public static final String CHECKOUT_MISMATCH = "merchant.checkout-mismatch";
    public static final String CHECKOUT_EXPIRED = "merchant.checkout-expired";
    public static final String DUPLICATE_PAYMENT = "merchant.duplicate-payment";
    public static final String CARD_BLACKLISTED = "merchant.card-blacklisted";
    public static final String ONLINE_CLEARING_REFUSED = "merchant.online-clearing-refused";
    public static final String ONLINE_CLEARING_UNAVAILABLE = "merchant.online-clearing-unavailable";
    public static final String INVALID_CHECKOUT = "merchant.invalid-checkout";
    public static final String STALE_BLACKLIST = "merchant.stale-blacklist";
    public static final String FOREIGN_BLACKLIST = "merchant.foreign-blacklist";
    public static final String RECEIPT_MISMATCH = "merchant.receipt-mismatch";

    MerchantException(Kind kind, String code, String message) {
        super(kind, code, message);
    }
}
