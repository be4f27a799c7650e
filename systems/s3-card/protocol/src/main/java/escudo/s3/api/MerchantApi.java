package escudo.s3.api;

import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.PaymentCertificate;
import java.util.List;

/** The JSON bodies of the merchant's HTTP API that are not protocol messages themselves. */
public final class MerchantApi {

    private MerchantApi() {
    }

    /** {@code GET /merchant}: S_id, the key that signs its deposits, and its currency. */
    public record MerchantInfo(String merchantId, VerifyingKey publicKey, String currency) {
    }

    /** {@code POST /merchant/checkouts}: ask for a payment specification. */
    public record Checkout(Money amount, String details) {
    }

    /** {@code POST /merchant/payments}: the card's CARD-CERT and PAYMENT-CERT (seed 003, step 530). */
    public record Payment(CardCertificate card, PaymentCertificate payment) {
    }

    public record Payments(List<AcceptedPayment> payments) {
    }

    /** Body of the command endpoints that take no input ({@code POST /merchant/deposits}). */
    public record Command() {
    }
}
