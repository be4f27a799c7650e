package escudo.s3.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** An S3 message is malformed, forged, expired or otherwise not acceptable. */
public final class ProtocolException extends EscudoException {

    public static final ErrorCode CARD_CERT_FORGED = ErrorCode.declare("s3.card-cert-forged", Kind.UNAUTHENTICATED);
    public static final ErrorCode CARD_CERT_EXPIRED = ErrorCode.declare("s3.card-cert-expired", Kind.REFUSED);
    public static final ErrorCode CARD_CERT_NOT_YET_VALID = ErrorCode.declare("s3.card-cert-not-yet-valid", Kind.REFUSED);
    public static final ErrorCode CARD_CERT_FOREIGN = ErrorCode.declare("s3.card-cert-foreign-bank", Kind.REFUSED);
    public static final ErrorCode PAYMENT_FORGED = ErrorCode.declare("s3.payment-forged", Kind.UNAUTHENTICATED);
    public static final ErrorCode PAYMENT_CARD_MISMATCH = ErrorCode.declare("s3.payment-card-mismatch", Kind.UNAUTHENTICATED);
    public static final ErrorCode MESSAGE_FORGED = ErrorCode.declare("s3.message-forged", Kind.UNAUTHENTICATED);
    public static final ErrorCode MALFORMED = ErrorCode.declare("s3.malformed", Kind.INVALID);

    public ProtocolException(ErrorCode code, String message) {
        super(code, message);
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(MALFORMED, message);
    }
}
