package escudo.s1.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * An enrolment the CA refuses (seed 001, S110-S130: the reference number the desk gave), or a CMP
 * answer the phone refuses. The CA names its code at the start of the CMP error's text, so a phone
 * reports the same code the CA refused with.
 */
public final class EnrolmentException extends EscudoException {

    /** No enrolment has that reference number. */
    public static final ErrorCode UNKNOWN_REFERENCE = ErrorCode.declare("s1.reference-unknown", Kind.UNAUTHENTICATED);
    /** The reference number's time is over (it is short-lived). */
    public static final ErrorCode EXPIRED_REFERENCE = ErrorCode.declare("s1.reference-expired", Kind.UNAUTHENTICATED);
    /** The reference number enrolled a certificate already: it is good once. */
    public static final ErrorCode USED_REFERENCE = ErrorCode.declare("s1.reference-used", Kind.CONFLICT);
    /** Too many wrong secrets for this reference number: it is locked, and the desk gives a new one. */
    public static final ErrorCode LOCKED_REFERENCE = ErrorCode.declare("s1.reference-locked", Kind.REFUSED);
    /** The message's MAC does not verify under the reference's secret: the wrong secret, or altered bytes. */
    public static final ErrorCode BAD_PROTECTION = ErrorCode.declare("s1.bad-protection", Kind.UNAUTHENTICATED);
    /** The certificate request is not signed by the key it asks a certificate for (proof of possession). */
    public static final ErrorCode BAD_POP = ErrorCode.declare("s1.bad-proof-of-possession", Kind.UNAUTHENTICATED);
    /** A CMP message that does not parse or does not follow the lightweight profile (RFC 9483) as the CA takes it. */
    public static final ErrorCode MALFORMED = ErrorCode.declare("s1.cmp-malformed", Kind.INVALID);
    /** A certificate confirmation for no certificate of this transaction, or with another hash. */
    public static final ErrorCode BAD_CONFIRMATION = ErrorCode.declare("s1.bad-confirmation", Kind.INVALID);

    /** A CMP transaction id the CA has answered already: a key update request sent again issues nothing. */
    public static final ErrorCode REPLAYED = ErrorCode.declare("s1.cmp-replayed", Kind.CONFLICT);

    public EnrolmentException(ErrorCode code, String message) {
        super(code, message);
    }

    public static EnrolmentException malformed(String why) {
        return new EnrolmentException(MALFORMED, why);
    }
}
