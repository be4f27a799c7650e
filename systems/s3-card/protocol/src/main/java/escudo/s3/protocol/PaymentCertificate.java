package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import java.util.Objects;

/**
 * PAYMENT-CERT = {ser#, spec, signature} (seed 003, Fig. 7): the card's joint Ed25519 signature,
 * under the joint key of its CARD-CERT, over the card number, the ser# and the payment spec.
 */
public record PaymentCertificate(String cardNumber, long serial, PaymentSpec spec, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/payment-cert/v1";

    public PaymentCertificate {
        Fields.text(cardNumber, "cardNumber", 32);
        if (serial < 1) {
            throw ProtocolException.malformed("ser# starts at 1");
        }
        Objects.requireNonNull(spec, "spec");
        signature = Fields.signature(signature, "PAYMENT-CERT signature");
    }

    /** The exact bytes the card signs (docs/protocol.md, PAYMENT-CERT). */
    public static byte[] signedBytes(String cardNumber, long serial, PaymentSpec spec) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(cardNumber).i64(serial).string(spec.merchantId());
        Fields.instant(w, spec.time());
        w.money(spec.amount());
        return w.string(spec.details()).string(spec.reference()).toByteArray();
    }

    public byte[] signedBytes() {
        return signedBytes(cardNumber, serial, spec);
    }

    /** Seed 003, step 540 / 670: the joint signature under the card's certified joint key. */
    public void verify(CardCertificate card) {
        if (!card.cardNumber().equals(cardNumber)) {
            throw new ProtocolException(ProtocolException.PAYMENT_CARD_MISMATCH,
                    "PAYMENT-CERT names card " + cardNumber + " but CARD-CERT is for card " + card.cardNumber());
        }
        if (!card.currency().equals(spec.amount().currencyCode())) {
            throw ProtocolException.malformed("payment in " + spec.amount().currencyCode() + " from a " + card.currency() + " card");
        }
        try {
            card.jointKey().verify(signature.toByteArray(), signedBytes(), "PAYMENT-CERT");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.PAYMENT_FORGED,
                    "PAYMENT-CERT ser# " + serial + " of card " + cardNumber + " does not verify under the card's joint key");
        }
    }
}
