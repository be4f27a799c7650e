package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The bank's authenticated acknowledgement of a withdrawal, seed 003, step 910: it answers the
 * request's seq# (so it cannot be replayed onto another request), states the amount and the card's
 * new balance, and may carry a renewed CARD-CERT.
 */
public record WithdrawalAck(String cardNumber, long sequence, Money amount, Money newBalance,
        CardCertificate renewedCertificate, Instant time, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/withdrawal-ack/v1";

    public WithdrawalAck {
        Fields.text(cardNumber, "cardNumber", 32);
        if (sequence < 1) {
            throw ProtocolException.malformed("seq# starts at 1");
        }
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(newBalance, "newBalance");
        if (!amount.currency().equals(newBalance.currency())) {
            throw ProtocolException.malformed("amount and newBalance must be in the same currency");
        }
        time = Fields.millis(Objects.requireNonNull(time, "time"));
        signature = Fields.signature(signature, "withdrawal acknowledgement signature");
    }

    public static WithdrawalAck sign(String cardNumber, long sequence, Money amount, Money newBalance,
            CardCertificate renewed, Instant time, SigningKey bankKey) {
        Instant at = Fields.millis(time);
        return new WithdrawalAck(cardNumber, sequence, amount, newBalance, renewed, at,
                Bytes.of(bankKey.sign(signedBytes(cardNumber, sequence, amount, newBalance, renewed, at))));
    }

    private static byte[] signedBytes(String cardNumber, long sequence, Money amount, Money newBalance,
            CardCertificate renewed, Instant time) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(cardNumber).i64(sequence);
        w.money(amount);
        w.money(newBalance);
        if (renewed == null) {
            w.u8(0);
        } else {
            w.u8(1).bytes(renewed.signedBytes()).bytes(renewed.signature());
        }
        Fields.instant(w, time);
        return w.toByteArray();
    }

    public byte[] signedBytes() {
        return signedBytes(cardNumber, sequence, amount, newBalance, renewedCertificate, time);
    }

    public Optional<CardCertificate> renewed() {
        return Optional.ofNullable(renewedCertificate);
    }

    public void verify(VerifyingKey bankKey) {
        try {
            bankKey.verify(signature.toByteArray(), signedBytes(), "withdrawal acknowledgement");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.MESSAGE_FORGED,
                    "withdrawal acknowledgement for seq# " + sequence + " is not signed by the bank");
        }
    }
}
