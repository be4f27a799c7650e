package escudo.s1.phone;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/** What the phone itself refuses; the PIN's refusals are the card OS's codes ({@code card.wrong-pin}, {@code card.locked}). */
public final class PhoneException extends EscudoException {

    /** The phone holds no certificate with that serial number. */
    public static final ErrorCode NO_CREDENTIAL = ErrorCode.declare("phone.no-credential", Kind.NOT_FOUND);
    /** The phone's record does not decode: altered, or written by another application. */
    public static final ErrorCode CORRUPT = ErrorCode.declare("phone.record-corrupt", Kind.INTERNAL);

    public PhoneException(ErrorCode code, String message) {
        super(code, message);
    }
}
