package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A merchant's deposit, seed 003, Fig. 9: its S_id, freshness (time and a nonce the bank has never
 * seen) and up to {@link #MAX_PAYMENTS} collected CARD-CERT + PAYMENT-CERT pairs in one transfer,
 * signed with the merchant's registered key. A larger backlog goes in several requests.
 */
public record DepositRequest(String merchantId, Instant time, String nonce, List<Payment> payments, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/deposit/v1";
    /**
     * Payments per request. Every field of a payment is bounded, so a request has a maximal size:
     * with every text field at its limit and every character one that takes three bytes of UTF-8
     * (the control characters JSON escapes in six are refused at the edge, core.Text), a payment takes
     * at most 5.1 kB and a request of 100 at most 0.51 MB (48 %), and even with six-byte characters it
     * would stay below the 1 MiB request body a node accepts (DepositBatchSizeTest in escudo-s3-server).
     */
    public static final int MAX_PAYMENTS = 100;

    /** One collected payment: the card's certificate and its PAYMENT-CERT. */
    public record Payment(CardCertificate card, PaymentCertificate payment) {
        public Payment {
            Objects.requireNonNull(card, "card");
            Objects.requireNonNull(payment, "payment");
        }
    }

    public DepositRequest {
        Fields.text(merchantId, "merchantId", 64);
        time = Fields.millis(Objects.requireNonNull(time, "time"));
        Fields.text(nonce, "nonce", 64);
        payments = List.copyOf(Objects.requireNonNull(payments, "payments"));
        if (payments.isEmpty() || payments.size() > MAX_PAYMENTS) {
            throw ProtocolException.malformed("a deposit holds 1 to " + MAX_PAYMENTS + " payments");
        }
        signature = Fields.signature(signature, "deposit signature");
    }

    public static DepositRequest sign(String merchantId, Instant time, String nonce, List<Payment> payments, SigningKey merchantKey) {
        Instant at = Fields.millis(time);
        return new DepositRequest(merchantId, at, nonce, payments,
                Bytes.of(merchantKey.sign(signedBytes(merchantId, at, nonce, payments))));
    }

    private static byte[] signedBytes(String merchantId, Instant time, String nonce, List<Payment> payments) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(merchantId);
        Fields.instant(w, time);
        w.string(nonce).u32(payments.size());
        for (Payment p : payments) {
            w.bytes(p.card().signedBytes()).bytes(p.card().signature())
                    .bytes(p.payment().signedBytes()).bytes(p.payment().signature());
        }
        return w.toByteArray();
    }

    public byte[] signedBytes() {
        return signedBytes(merchantId, time, nonce, payments);
    }

    public void verify(VerifyingKey merchantKey) {
        try {
            merchantKey.verify(signature.toByteArray(), signedBytes(), "deposit");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.MESSAGE_FORGED, "deposit is not signed by merchant " + merchantId);
        }
    }
}
