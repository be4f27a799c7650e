package escudo.s4.session;

import escudo.core.Money;
import java.util.Objects;

/**
 * What a member's transaction asks of the provider (claim 16), sealed under its session key: the
 * account its card record names, the amount, the payee (a merchant of the provider) and the
 * sensitive data only the provider reads. An amount of zero approves without paying.
 */
public record Order(String account, Money amount, String payee, String reference) {

    /** The longest account and payee id (the bank's ids), and the longest reference (it goes into the ledger's memo). */
    public static final int MAX_ID = 64;
    public static final int MAX_REFERENCE = 200;

    public Order {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(payee, "payee");
        Objects.requireNonNull(reference, "reference");
        if (account.isEmpty() || account.length() > MAX_ID || payee.isEmpty() || payee.length() > MAX_ID || reference.length() > MAX_REFERENCE) {
            throw new IllegalArgumentException("an order names an account and a payee of 1 to " + MAX_ID + " characters and a reference of at most "
                    + MAX_REFERENCE);
        }
        if (amount.minorUnits() < 0) {
            throw new IllegalArgumentException("an order pays a positive amount or approves with zero");
        }
    }
}
