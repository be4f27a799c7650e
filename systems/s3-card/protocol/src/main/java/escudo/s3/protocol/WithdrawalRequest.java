package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import java.time.Instant;
import java.util.Objects;

/**
 * The card's authenticated withdrawal (top-up) request, seed 003, step 870: card#, the
 * non-repeating seq#, the card's balance and the amount, signed by the card's joint key. An
 * amount of zero with {@code renew} set asks only for a new CARD-CERT (zero-value renewal).
 */
public record WithdrawalRequest(String cardNumber, long sequence, Money cardBalance, Money amount,
        boolean renew, Instant time, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/withdrawal-request/v1";

    public WithdrawalRequest {
        Fields.text(cardNumber, "cardNumber", 32);
        if (sequence < 1) {
            throw ProtocolException.malformed("seq# starts at 1");
        }
        Objects.requireNonNull(cardBalance, "cardBalance");
        Objects.requireNonNull(amount, "amount");
        if (amount.minorUnits() < 0 || (amount.minorUnits() == 0 && !renew)) {
            throw ProtocolException.malformed("a withdrawal moves a positive amount, or zero with renewal");
        }
        if (!cardBalance.currency().equals(amount.currency())) {
            throw ProtocolException.malformed("cardBalance and amount must be in the same currency");
        }
        time = Fields.millis(Objects.requireNonNull(time, "time"));
        signature = Fields.signature(signature, "withdrawal request signature");
    }

    public static byte[] signedBytes(String cardNumber, long sequence, Money cardBalance, Money amount, boolean renew, Instant time) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(cardNumber).i64(sequence);
        w.money(cardBalance);
        w.money(amount);
        w.u8(renew ? 1 : 0);
        Fields.instant(w, time);
        return w.toByteArray();
    }

    public byte[] signedBytes() {
        return signedBytes(cardNumber, sequence, cardBalance, amount, renew, time);
    }

    /** Seed 003, step 880: the request is the card's (joint key of its registered CARD-CERT). */
    public void verify(CardCertificate card) {
        try {
            if (!card.cardNumber().equals(cardNumber)) {
                throw CryptoException.malformed("card mismatch");
            }
            card.jointKey().verify(signature.toByteArray(), signedBytes(), "withdrawal request");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.MESSAGE_FORGED,
                    "withdrawal request seq# " + sequence + " is not signed by card " + cardNumber);
        }
    }
}
