package escudo.s4.session;

import escudo.core.Money;
import java.util.Objects;

/**
 * What a member's transaction asks of the provider (claim 16), sealed under its session key: the
 * account its card record names, the amount, the payee (a merchant of the provider) and the
 * sensitive data only the provider reads. An amount of zero approves without paying.
 */
public record Order(String account, Money amount, String payee, String reference) {

    public Order {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(payee, "payee");
        Objects.requireNonNull(reference, "reference");
        if (amount.minorUnits() < 0) {
            throw new IllegalArgumentException("an order pays a positive amount or approves with zero");
        }
    }
}
