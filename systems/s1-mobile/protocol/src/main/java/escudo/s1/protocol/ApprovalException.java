package escudo.s1.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** A pending approval (seed 001, Fig. 3) that cannot move as asked; each refusal has its code and changes nothing. */
public final class ApprovalException extends EscudoException {

    public static final ErrorCode INVALID_TRANSACTION = ErrorCode.declare("s1.invalid-transaction", Kind.INVALID);
    /** The customer has no good certificate on that phone number: there is no phone to ask. */
    public static final ErrorCode NO_CERTIFICATE = ErrorCode.declare("s1.no-certificate", Kind.NOT_FOUND);
    public static final ErrorCode UNKNOWN = ErrorCode.declare("s1.approval-unknown", Kind.NOT_FOUND);
    public static final ErrorCode EXPIRED = ErrorCode.declare("s1.approval-expired", Kind.REFUSED);
    public static final ErrorCode CANCELLED = ErrorCode.declare("s1.approval-cancelled", Kind.REFUSED);
    public static final ErrorCode DECLINED = ErrorCode.declare("s1.approval-declined", Kind.REFUSED);
    /** Signed and carried out already: a signature sent again is a replay and moves nothing. */
    public static final ErrorCode DONE = ErrorCode.declare("s1.approval-done", Kind.CONFLICT);
    /** Not CMS SignedData as the phone makes it, or its signature does not verify under the certificate it carries. */
    public static final ErrorCode BAD_SIGNATURE = ErrorCode.declare("s1.bad-signature", Kind.UNAUTHENTICATED);
    /** The signed content is not, byte for byte, the pending transaction: another amount, payee or approval. */
    public static final ErrorCode CONTENT_MISMATCH = ErrorCode.declare("s1.content-mismatch", Kind.UNAUTHENTICATED);
    /** The certificate's user or phone is not the approval's. */
    public static final ErrorCode WRONG_USER = ErrorCode.declare("s1.wrong-user", Kind.UNAUTHENTICATED);
    /** The phone's proof of holding its key is stale, for another request, or does not verify. */
    public static final ErrorCode BAD_PROOF = ErrorCode.declare("s1.bad-proof", Kind.UNAUTHENTICATED);
    /** The collect token does not open this approval: only the page that started it follows or cancels it. */
    public static final ErrorCode WRONG_TOKEN = ErrorCode.declare("s1.wrong-collect-token", Kind.UNAUTHENTICATED);

    /** Flow B: the phone signed a frame of the QR code shown longer ago than the service allows (a photographed code). */
    public static final ErrorCode QR_STALE = ErrorCode.declare("s1.qr-stale", Kind.REFUSED);
    /** Flow B: the image holds no QR code, or one that is not an Escudo approval's frame. */
    public static final ErrorCode QR_UNREADABLE = ErrorCode.declare("s1.qr-unreadable", Kind.INVALID);

    public ApprovalException(ErrorCode code, String message) {
        super(code, message);
    }

    /** The refusal of anything sent for an approval that ended as {@code status}: it moves nothing. */
    public static ApprovalException ended(ApprovalStatus status) {
        return switch (status) {
            case DONE -> new ApprovalException(DONE, "the approval was signed and carried out already");
            case DECLINED -> new ApprovalException(DECLINED, "the approval was declined on the phone");
            case CANCELLED -> new ApprovalException(CANCELLED, "the approval was cancelled on the PC");
            case EXPIRED -> new ApprovalException(EXPIRED, "the approval expired");
            case WAITING, DELIVERED -> throw new IllegalArgumentException("the approval is open");
        };
    }
}
