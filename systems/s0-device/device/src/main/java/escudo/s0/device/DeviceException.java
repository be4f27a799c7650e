package escudo.s0.device;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;

/**
 * A wallet operation was refused or failed. The code is stable ({@code device.<reason>}); the
 * message never carries a key, the registration secret, the enrolment code or the hardware serial.
 * Failures of the protected trade messages themselves keep the protocol's {@code s0.*} codes
 * ({@link escudo.s0.protocol.TradeException}).
 */
public final class DeviceException extends EscudoException {

    /** {@link HardwareSerial} found no override, no DMI product UUID and no machine id. */
    public static final ErrorCode NO_SERIAL = ErrorCode.declare("device.no-serial", Kind.NOT_FOUND);
    /** The serial is blank or longer than 128 characters. */
    public static final ErrorCode BAD_SERIAL = ErrorCode.declare("device.bad-serial", Kind.INVALID);
    /** {@link Wallet#create} found a wallet (state or salt file) in the directory. */
    public static final ErrorCode ALREADY_EXISTS = ErrorCode.declare("device.already-exists", Kind.CONFLICT);
    /** {@link Wallet#open} found no wallet in the directory. */
    public static final ErrorCode NOT_FOUND = ErrorCode.declare("device.not-found", Kind.NOT_FOUND);
    /** The wallet's state does not open under this machine's serial: it belongs to another machine. */
    public static final ErrorCode WRONG_HARDWARE = ErrorCode.declare("device.wrong-hardware", Kind.UNAUTHENTICATED);
    /** The state file opens under this machine's key check but not as a state: altered or truncated. */
    public static final ErrorCode STORAGE_CORRUPT = ErrorCode.declare("device.storage-corrupt", Kind.INTERNAL);
    /** Reading or writing the wallet's files failed; the operation changed nothing on disk. */
    public static final ErrorCode STORAGE_FAILED = ErrorCode.declare("device.storage-failed", Kind.INTERNAL);
    /** The wallet is registered already; registration happens once. */
    public static final ErrorCode ALREADY_REGISTERED = ErrorCode.declare("device.already-registered", Kind.CONFLICT);
    /** Trade messages need a registered wallet. */
    public static final ErrorCode NOT_REGISTERED = ErrorCode.declare("device.not-registered", Kind.REFUSED);
    /** The issuer's registration info or receipt does not fit this device (other key, other layer order). */
    public static final ErrorCode RECEIPT_MISMATCH = ErrorCode.declare("device.receipt-mismatch", Kind.INVALID);
    /** The issuer's answer carries a counter not greater than the last one received (a replay). */
    public static final ErrorCode REPLAYED_RESPONSE = ErrorCode.declare("device.replayed-response", Kind.CONFLICT);

    DeviceException(ErrorCode code, String message) {
        super(code, message);
    }

    DeviceException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
