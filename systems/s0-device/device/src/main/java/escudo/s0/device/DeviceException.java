package escudo.s0.device;

import escudo.core.EscudoException;

/**
 * A wallet operation was refused or failed. The code is stable ({@code device.<reason>}); the
 * message never carries a key, the registration secret, the enrolment code or the hardware serial.
 * Failures of the protected trade messages themselves keep the protocol's {@code s0.*} codes
 * ({@link escudo.s0.protocol.TradeException}).
 */
public final class DeviceException extends EscudoException {

    /** {@link HardwareSerial} found no override, no DMI product UUID and no machine id. */
    public static final String NO_SERIAL = "device.no-serial";
    /** The serial is blank or longer than 128 characters. */
    public static final String BAD_SERIAL = "device.bad-serial";
    /** {@link Wallet#create} found a wallet (state or salt file) in the directory. */
    public static final String ALREADY_EXISTS = "device.already-exists";
    /** {@link Wallet#open} found no wallet in the directory. */
    public static final String NOT_FOUND = "device.not-found";
    /** The wallet's state does not open under this machine's serial: it belongs to another machine. */
    public static final String WRONG_HARDWARE = "device.wrong-hardware";
    /** The state file opens under this machine's key check but not as a state: altered or truncated. */
    public static final String STORAGE_CORRUPT = "device.storage-corrupt";
    /** Reading or writing the wallet's files failed; the operation changed nothing on disk. */
    public static final String STORAGE_FAILED = "device.storage-failed";
    /** The wallet is registered already; registration happens once. */
    public static final String ALREADY_REGISTERED = "device.already-registered";
    /** Trade messages need a registered wallet. */
    public static final String NOT_REGISTERED = "device.not-registered";
    /** The issuer's registration info or receipt does not fit this device (other key, other layer order). */
    public static final String RECEIPT_MISMATCH = "device.receipt-mismatch";
    /** The issuer's answer carries a counter not greater than the last one received (a replay). */
    public static final String REPLAYED_RESPONSE = "device.replayed-response";

    DeviceException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    DeviceException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}
