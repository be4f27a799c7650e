package escudo.s0.device;

import escudo.core.Bytes;
import escudo.crypto.SecretAccess;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The user device's wallet of seed 000 (the "user end device" and its encryption/decryption
 * module): an Ed25519 device key, an X25519 key the issuer seals to, and after registration the
 * issuer's key, the device id, the layer order, the registration secret and the two counters.
 *
 * <p>The state lives in one directory, sealed under a key derived from this machine's hardware
 * serial ({@link HardwareSerial}) and a per-wallet salt, so the directory copied to another machine
 * does not open there ({@link DeviceException#WRONG_HARDWARE}). Every trade message is protected
 * by {@link TradeChannel.DeviceEnd}, whose symmetric layer is keyed from the same serial and the
 * registration secret: even the key pair and secret, extracted and used elsewhere, produce nothing
 * the issuer accepts and open nothing the issuer sends.
 *
 * <p>A wallet object is safe to share between threads; one directory must be used by one process
 * at a time.
 */
public final class Wallet {

    private final DeviceStorage storage;
    private final String serial;
    private DeviceState state;
    private TradeChannel.DeviceEnd channel;

    private Wallet(DeviceStorage storage, String serial, DeviceState state) {
        this.storage = storage;
        this.serial = serial;
        this.state = state;
    }

    /**
     * Creates a new, unregistered wallet in {@code dir} (created if needed) with fresh keys.
     *
     * @param serial this machine's serial, normally {@link HardwareSerial#read()}
     */
    public static Wallet create(Path dir, String serial) {
        checkSerial(serial);
        DeviceStorage storage = DeviceStorage.create(dir, serial);
        DeviceState state = DeviceState.fresh();
        try {
            storage.write(state);
        } catch (RuntimeException e) {
            storage.abandon();
            throw e;
        }
        return new Wallet(storage, serial, state);
    }

    /**
     * Opens the wallet in {@code dir}: {@link DeviceException#NOT_FOUND} if there is none,
     * {@link DeviceException#WRONG_HARDWARE} if it was made on a machine with another serial,
     * {@link DeviceException#STORAGE_CORRUPT} if its state was altered.
     */
    public static Wallet open(Path dir, String serial) {
        checkSerial(serial);
        DeviceStorage storage = DeviceStorage.open(dir, serial);
        return new Wallet(storage, serial, storage.read());
    }

    /**
     * Registers this device with the issuer (seed 000, Figs. 11-14, steps 611-613): sends the device
     * key, the seal key, the serial, the customer, the enrolment code, the layer order and a label,
     * sealed to the issuer's registration key; checks the signed receipt and keeps the registration
     * secret. Nothing is stored unless the issuer accepted; then everything is stored at once.
     *
     * <p>The issuer's keys come from {@link IssuerLink#registrationInfo()} and are trusted from then
     * on (trust on first use): the link used for registration must reach the real issuer.
     */
    public synchronized void register(IssuerLink issuer, String customerId, String enrolmentCode, LayerOrder order, String label) {
        Objects.requireNonNull(issuer, "issuer");
        if (state.registered()) {
            throw new DeviceException(DeviceException.ALREADY_REGISTERED,
                    "this wallet is registered already as device " + state.registration().deviceId());
        }
        RegistrationInfo info = checked(issuer.registrationInfo());
        DeviceRegistration registration = new DeviceRegistration(state.deviceKey().verifyingKey(), Bytes.of(state.sealKey().publicKey()),
                serial, customerId, enrolmentCode, order, label);
        byte[] sealed = registration.seal(state.deviceKey(), info.registrationKey().toByteArray(), info.issuerId());
        RegistrationReceipt receipt = Objects.requireNonNull(issuer.register(sealed), "receipt");
        if (!receipt.deviceKey().equals(state.deviceKey().verifyingKey()) || receipt.order() != order) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH,
                    "the receipt is for another device key or another layer order");
        }
        byte[] secret = receipt.openSecret(info.issuerKey(), state.sealKey(), SecretAccess.forSealedStorage());
        try {
            if (secret.length < 16 || secret.length > 64) {
                throw new DeviceException(DeviceException.RECEIPT_MISMATCH,
                        "the registration secret must have 16 to 64 bytes");
            }
            DeviceState next = state.with(new DeviceState.Registration(receipt.deviceId(), info.issuerId(), info.issuerKey(),
                    order, Bytes.of(secret), customerId, label, 1, 0));
            storage.write(next);
            state = next;
            channel = null;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Sends one trade request and answers the issuer's response. The counter it uses is consumed on
     * disk before anything is sent, so no counter is ever used twice, even after a crash; the
     * answer must carry a counter greater than the last one accepted
     * ({@link DeviceException#REPLAYED_RESPONSE} otherwise, and nothing changes). A response that
     * does not open is a {@link escudo.s0.protocol.TradeException} ({@code s0.*}).
     */
    public synchronized TradeResponse send(IssuerLink issuer, TradeRequest request) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(request, "request");
        DeviceState.Registration registration = requireRegistered();
        long counter = registration.nextOutgoing();
        persist(state.with(registration.withNextOutgoing(Math.addExact(counter, 1))));
        TradeChannel.DeviceEnd end = channel();
        TradeEnvelope answer = Objects.requireNonNull(issuer.exchange(end.seal(counter, request.encode())), "answer");
        byte[] plaintext = end.open(answer);
        DeviceState.Registration current = state.registration();
        if (answer.counter() != counter || answer.counter() <= current.lastIncoming()) {
            throw new DeviceException(DeviceException.REPLAYED_RESPONSE,
                    "the issuer's answer carries counter " + answer.counter() + ", not " + counter
                            + ": an old answer or the answer to another message");
        }
        persist(state.with(current.withLastIncoming(answer.counter())));
        return TradeResponse.decode(plaintext);
    }

    /** The wallet's public facts and counters. */
    public synchronized WalletStatus status() {
        DeviceState.Registration r = state.registration();
        if (r == null) {
            return new WalletStatus(null, null, null, false, 1, 0, null, null);
        }
        return new WalletStatus(r.deviceId(), r.issuerId(), r.order(), true, r.nextOutgoing(), r.lastIncoming(),
                r.customerId(), r.label());
    }

    /** The current state; for tests in this package. */
    synchronized DeviceState state() {
        return state;
    }

    @Override
    public synchronized String toString() {
        DeviceState.Registration r = state.registration();
        return "Wallet(" + (r == null ? "unregistered" : r.deviceId() + " at " + r.issuerId()) + ")";
    }

    /** The issuer's published keys are what the device will trust from now on: a malformed set is refused. */
    private static RegistrationInfo checked(RegistrationInfo info) {
        Objects.requireNonNull(info, "registration info");
        if (info.issuerId() == null || info.issuerId().isBlank() || info.issuerId().length() > 64) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH, "issuerId must be 1 to 64 characters");
        }
        if (info.registrationKey() == null || info.registrationKey().length() != 32) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH, "the issuer's X25519 registration key has 32 bytes");
        }
        if (info.issuerKey() == null) {
            throw new DeviceException(DeviceException.RECEIPT_MISMATCH, "the issuer's Ed25519 key is missing");
        }
        return info;
    }

    private DeviceState.Registration requireRegistered() {
        if (!state.registered()) {
            throw new DeviceException(DeviceException.NOT_REGISTERED, "this wallet is not registered with an issuer yet");
        }
        return state.registration();
    }

    private void persist(DeviceState next) {
        storage.write(next);
        state = next;
    }

    private TradeChannel.DeviceEnd channel() {
        if (channel == null) {
            DeviceState.Registration r = state.registration();
            byte[] secret = r.secret().toByteArray();
            try {
                channel = new TradeChannel.DeviceEnd(r.deviceId(), r.order(), state.deviceKey(), state.sealKey(),
                        serial.getBytes(StandardCharsets.UTF_8), secret);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        }
        return channel;
    }

    private static void checkSerial(String serial) {
        if (serial == null || serial.isBlank() || serial.length() > 128) {
            throw new DeviceException(DeviceException.BAD_SERIAL, "a hardware serial has 1 to 128 characters");
        }
    }
}
