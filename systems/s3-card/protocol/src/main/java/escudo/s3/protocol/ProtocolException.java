package escudo.s3.protocol;

import escudo.core.EscudoException;

/** An S3 message is malformed, forged, expired or otherwise not acceptable. */
public final class ProtocolException extends EscudoException {

    public static final String CARD_CERT_FORGED = "s3.card-cert-forged";
    public static final String CARD_CERT_EXPIRED = "s3.card-cert-expired";
    public static final String CARD_CERT_NOT_YET_VALID = "s3.card-cert-not-yet-valid";
    public static final String CARD_CERT_FOREIGN = "s3.card-cert-foreign-bank";
    public static final String PAYMENT_FORGED = "s3.payment-forged";
    public static final String PAYMENT_CARD_MISMATCH = "s3.payment-card-mismatch";
    public static final String MESSAGE_FORGED = "s3.message-forged";
    public static final String MALFORMED = "s3.malformed";

    public ProtocolException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(Kind.INVALID, MALFORMED, message);
    }

    static ProtocolException forged(String code, String message) {
        return new ProtocolException(Kind.UNAUTHENTICATED, code, message);
    }
}
