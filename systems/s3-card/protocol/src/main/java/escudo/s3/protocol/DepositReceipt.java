package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The bank's signed answer to a deposit (seed 003, step 710): one status per payment, in the order
 * of the request, bound to the request's nonce.
 */
public record DepositReceipt(String bankId, String merchantId, String requestNonce, Instant time,
        List<Status> statuses, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/deposit-receipt/v1";

    /** What happened to one payment. */
    public enum Outcome {
        /** Verified and paid to the merchant now. */
        CLEARED,
        /** This exact payment was cleared for this merchant before; nothing paid twice. */
        ALREADY_CLEARED,
        /** Refused: see the code. Nothing moved. */
        REFUSED,
        /** A cheque the user's bank account could not cover. */
        BOUNCED
    }

    /** Status of one payment; {@code code} is empty unless refused or bounced. */
    public record Status(String cardNumber, long serial, Outcome outcome, Money credited, String code, String detail) {
        public Status {
            Objects.requireNonNull(cardNumber, "cardNumber");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(credited, "credited");
            code = code == null ? "" : code;
            detail = detail == null ? "" : detail;
        }
    }

    public DepositReceipt {
        Fields.text(bankId, "bankId", 64);
        Fields.text(merchantId, "merchantId", 64);
        Fields.text(requestNonce, "requestNonce", 64);
        time = Fields.millis(Objects.requireNonNull(time, "time"));
        statuses = List.copyOf(statuses);
        signature = Fields.signature(signature, "deposit receipt signature");
    }

    public static DepositReceipt sign(String bankId, String merchantId, String requestNonce, Instant time,
            List<Status> statuses, SigningKey bankKey) {
        Instant at = Fields.millis(time);
        return new DepositReceipt(bankId, merchantId, requestNonce, at, statuses,
                Bytes.of(bankKey.sign(signedBytes(bankId, merchantId, requestNonce, at, statuses))));
    }

    private static byte[] signedBytes(String bankId, String merchantId, String nonce, Instant time, List<Status> statuses) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(bankId).string(merchantId).string(nonce);
        Fields.instant(w, time);
        w.u32(statuses.size());
        for (Status s : statuses) {
            w.string(s.cardNumber()).i64(s.serial()).string(s.outcome().name());
            w.money(s.credited());
            w.string(s.code()).string(s.detail());
        }
        return w.toByteArray();
    }

    public void verify(VerifyingKey bankKey) {
        try {
            bankKey.verify(signature.toByteArray(), signedBytes(bankId, merchantId, requestNonce, time, statuses), "deposit receipt");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.MESSAGE_FORGED, "deposit receipt is not signed by bank " + bankId);
        }
    }
}
