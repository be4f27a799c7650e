package escudo.s3.protocol;

import escudo.core.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * The payment specification the merchant presents and the user approves with the PIN (seed 003,
 * step 440): time, amount in the card's currency, the merchant's S_id, the purchase details and a
 * reference the merchant makes unique per checkout.
 */
public record PaymentSpec(String merchantId, Instant time, Money amount, String details, String reference) {

    public PaymentSpec {
        Fields.text(merchantId, "merchantId", 64);
        time = Fields.millis(Objects.requireNonNull(time, "time"));
        Objects.requireNonNull(amount, "amount");
        if (!amount.isPositive()) {
            throw ProtocolException.malformed("a payment amount must be positive, got " + amount);
        }
        details = details == null ? "" : details;
        if (details.length() > 1024) {
            throw ProtocolException.malformed("details are longer than 1024 characters");
        }
        Fields.text(reference, "reference", 64);
    }
}
