package escudo.s0.server.issuer;

import escudo.s0.api.DeviceView;
import escudo.s0.api.DeviceStatus;
import escudo.s0.api.RegistrationInfo;
import escudo.bank.Bank;
import escudo.bank.BankException;
import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException.Kind;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.ledger.Account;
import escudo.ledger.AccountKind;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The "trade server centre" of seed 000 at the bank: it hands out one-time enrolment codes,
 * registers devices (step 613: it records the device's keys, its hardware serial and the user),
 * and answers the devices' two-layer trade messages (claims 3-11) by executing balance inquiries,
 * own transfers and purchase orders on the bank's ledger.
 *
 * <p>Every refusal has its own stable code and writes nothing. A message that opens and is fresh
 * advances the device's counter even when the bank refuses the business request in it (the answer
 * is then a sealed {@link TradeResponse.Refused} and no money moved), so it cannot be replayed.
 */
public final class TradeCenter {

    /** How long an enrolment code is good for. */
    public static final Duration ENROLMENT_VALIDITY = Duration.ofMinutes(15);
    /** The customer's accounts a device may name in an own transfer. */
    public static final String CURRENT = "current";
    public static final String SAVINGS = "savings";

    /** Upper-case letters and digits without the look-alikes 0/O, 1/I/L. */
    static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    static final int CODE_LENGTH = 10;
    private static final int MAX_SEALED_REGISTRATION = 64 * 1024;
    private static final String SECRETS_DOMAIN = "escudo/issuer/device-secrets/v1";
    private static final String DEVICE_COLUMNS = "device_id, customer_id, device_key, seal_key, layer_order, label, sealed_secrets,"
            + " last_counter_in, last_counter_out, status, created_at, revoked_at";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final Bank bank;
    private final Database db;
    private final Ledger ledger;
    private final SigningKey bankKey;
    private final Hpke.Recipient registrationKey;
    private final SecretBox storage;
    private final Clock clock;

    /**
     * @param bank the bank whose customers trade; the centre's tables (migrations {@code s0_issuer})
     *             live in its database
     * @param db the bank's database
     * @param bankKey the bank's signing key (must be the issuer's); it signs registration receipts
     * @param registrationKey the X25519 key devices seal their registration to
     * @param storage seals each device's hardware serial and registration secret at rest; derive it
     *                from the node's master key, and keep it: without it no registered device can trade
     * @param clock decides when enrolment codes expire
     */
    public TradeCenter(Bank bank, Database db, SigningKey bankKey, Hpke.Recipient registrationKey, SecretBox storage, Clock clock) {
        this.bank = Objects.requireNonNull(bank, "bank");
        this.db = Objects.requireNonNull(db, "db");
        this.bankKey = Objects.requireNonNull(bankKey, "bankKey");
        this.registrationKey = Objects.requireNonNull(registrationKey, "registrationKey");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!bankKey.verifyingKey().equals(bank.publicKey())) {
            throw new IllegalArgumentException("the trade centre signs with the issuer's own bank key");
        }
        this.ledger = bank.ledger();
        db.migrate("s0_issuer");
    }

    /** What a device needs to register: the issuer's id, registration key and bank key. */
    public RegistrationInfo registrationInfo() {
        return new RegistrationInfo(bank.bankId(), Bytes.of(registrationKey.publicKey()), bankKey.verifyingKey());
    }

    // ---- enrolment and registration (seed 000, Figs. 11-14, steps 611-613) ----

    /**
     * The desk gives a registered customer a one-time code for one device registration, good for
     * {@link #ENROLMENT_VALIDITY}. Only its SHA-256 is stored. {@code issuer.unknown-customer} if the
     * bank has no such customer.
     */
    public Enrolment issueEnrolment(String customerId) {
        String code = drawCode();
        Instant now = now();
        Instant expires = now.plus(ENROLMENT_VALIDITY);
        db.run(tx -> {
            bank.currentAccount(tx, customerId);
            tx.update("INSERT INTO issuer_enrolment (customer_id, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?)",
                    customerId, HEX.formatHex(codeHash(code)), expires, now);
        });
        return new Enrolment(customerId, code, expires);
    }

    /**
     * Step 613: opens a registration sealed to the registration key, checks the device's proof of
     * possession and the enrolment code (unused, unexpired, for that customer), records the device
     * and answers the receipt carrying the registration secret sealed to the device. Opens the
     * customer's savings account if it is not open yet. Refusals: the codes of
     * {@link DeviceRegistration#open}, {@code s0.bad-enrolment} (also for a customer the bank does
     * not know, so the endpoint tells nobody who banks here), {@code s0.device-key-registered}.
     */
    public RegistrationReceipt register(byte[] sealedRegistration) {
        if (sealedRegistration == null || sealedRegistration.length == 0 || sealedRegistration.length > MAX_SEALED_REGISTRATION) {
            throw new TradeException(TradeException.MALFORMED, "a sealed registration holds 1 byte to 64 KiB");
        }
        DeviceRegistration registration;
        try {
            registration = DeviceRegistration.open(sealedRegistration, registrationKey, bank.bankId());
        } catch (IllegalStateException e) {
            // BouncyCastle's X25519 refuses a low-order ephemeral key (such as all zeros) this way,
            // past Hpke.open's own checks: it is a registration that does not open like any other.
            throw new TradeException(TradeException.SEALED_LAYER,
                    "the registration is not sealed to this issuer's registration key");
        }
        byte[] presented = codeHash(normalise(registration.enrolmentCode()));
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        Instant now = now();
        return db.inTransaction(tx -> {
            Long enrolment = matchingEnrolment(tx, registration.customerId(), presented, now);
            if (enrolment == null) {
                throw new TradeCenterException(TradeCenterException.BAD_ENROLMENT,
                        "the enrolment code is wrong, used or expired, or not for this customer");
            }
            if (keyRegistered(tx, registration.deviceKey())) {
                throw new TradeCenterException(TradeCenterException.KEY_REGISTERED,
                        "this device key is already registered; a device registers a fresh key pair");
            }
            Account current = bank.currentAccount(tx, registration.customerId());
            String deviceId = insertDevice(tx, registration, secret, now);
            tx.update("UPDATE issuer_enrolment SET used_at = ?, device_id = ? WHERE enrolment_id = ?", now, deviceId, enrolment);
            openSavings(tx, registration.customerId(), current);
            return RegistrationReceipt.issue(deviceId, registration, secret, bankKey);
        });
    }

    private static boolean keyRegistered(Tx tx, VerifyingKey deviceKey) {
        return tx.queryOne("SELECT device_id FROM issuer_device WHERE device_key = ?", r -> r.getString(1), deviceKey.hex()).isPresent();
    }

    /** Locks the customer's open codes and compares all of them in constant time. */
    private static Long matchingEnrolment(Tx tx, String customerId, byte[] presented, Instant now) {
        List<Object[]> open = tx.query("SELECT enrolment_id, code_hash FROM issuer_enrolment"
                        + " WHERE customer_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY enrolment_id FOR UPDATE",
                r -> new Object[] {r.getLong(1), r.getString(2)}, customerId, now);
        Long match = null;
        for (Object[] row : open) {
            if (MessageDigest.isEqual(HEX.parseHex((String) row[1]), presented)) {
                match = (Long) row[0];
            }
        }
        return match;
    }

    private String insertDevice(Tx tx, DeviceRegistration registration, byte[] secret, Instant now) {
        byte[] secrets = CanonicalWriter.domain(SECRETS_DOMAIN).string(registration.serial()).bytes(secret).toByteArray();
        return tx.insertWithFreshId(() -> "dev-" + HEX.formatHex(randomBytes(8)), deviceId -> {
            String sealed = Base64.getEncoder().encodeToString(storage.seal(secrets, secretsAd(deviceId)));
            if (tx.tryInsert("INSERT INTO issuer_device (device_id, customer_id, device_key, seal_key, layer_order, label,"
                            + " sealed_secrets, last_counter_in, last_counter_out, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                    deviceId, registration.customerId(), registration.deviceKey().hex(), registration.sealKey().hex(),
                    registration.order().name(), registration.label(), sealed, DeviceStatus.ACTIVE.name(), now)) {
                return true;
            }
            if (keyRegistered(tx, registration.deviceKey())) {
                throw new TradeCenterException(TradeCenterException.KEY_REGISTERED,
                        "could not record the device: its key was registered concurrently");
            }
            return false; // the device id was taken: draw another
        }, "device id");
    }

    private void openSavings(Tx tx, String customerId, Account current) {
        String savings = savingsAccount(customerId);
        if (ledger.find(tx, savings).isEmpty()) {
            try {
                ledger.open(tx, savings, AccountKind.SAVINGS, customerId, current.currency(), 0);
            } catch (LedgerException e) {
                if (e.code() != LedgerException.DUPLICATE_ACCOUNT) {
                    throw e; // else opened concurrently (the insert ran under a savepoint): fine
                }
            }
        }
    }

    // ---- trade messages (claims 3-11, Figs. 9-10) ----

    /** {@link #handle(TradeEnvelope)} for a message that arrived addressed to device {@code deviceId}. */
    public TradeEnvelope handle(String deviceId, TradeEnvelope request) {
        Objects.requireNonNull(request, "request");
        if (!request.deviceId().equals(deviceId)) {
            throw new TradeException(TradeException.WRONG_DEVICE,
                    "a message of device " + request.deviceId() + " was sent as device " + deviceId + "'s");
        }
        return handle(request);
    }

    /**
     * Opens a device's trade message, refuses a replay, executes the request and answers sealed to
     * the device, all of it in one transaction with the device's row locked. Refusals (nothing
     * written): {@code s0.unknown-device}, {@code s0.device-revoked}, the channel's codes
     * ({@code s0.symmetric-layer-invalid}, {@code s0.bad-signature}, {@code s0.wrong-direction},
     * {@code s0.wrong-layer-order}, {@code s0.malformed}) and {@code s0.replayed}. A business refusal
     * (funds, merchant, account name) is a sealed {@link TradeResponse.Refused} answer.
     */
    public TradeEnvelope handle(TradeEnvelope request) {
        if (request == null) {
            throw new TradeException(TradeException.MALFORMED, "no trade message");
        }
        DeviceRow device = db.inTransaction(tx -> device(tx, request.deviceId(), false));
        requireActive(device);
        TradeChannel.IssuerEnd end = issuerEnd(device);
        TradeRequest trade = TradeRequest.decode(end.open(request));
        requireFresh(device, request.counter());
        return db.inTransaction(tx -> {
            DeviceRow locked = device(tx, device.id(), true);
            requireActive(locked);
            requireFresh(locked, request.counter());
            TradeResponse response = execute(tx, locked, trade);
            // The answer carries the counter of the request it answers, so a device can tell which
            // of its messages an answer belongs to; request counters only grow, so answers' do too.
            long out = request.counter();
            tx.update("UPDATE issuer_device SET last_counter_in = ?, last_counter_out = ? WHERE device_id = ?",
                    request.counter(), out, locked.id());
            return end.seal(out, response.encode());
        });
    }

    private TradeResponse execute(Tx tx, DeviceRow device, TradeRequest request) {
        String customer = device.customerId();
        try {
            return switch (request) {
                case TradeRequest.BalanceInquiry b -> new TradeResponse.Balances(balances(tx, customer));
                case TradeRequest.OwnTransfer t -> {
                    ledger.transfer(tx, new TransferRequest("own:" + device.id() + ":" + t.transferId(),
                            ownAccount(tx, customer, t.fromAccount()), ownAccount(tx, customer, t.toAccount()), t.amount(),
                            "own transfer " + t.fromAccount() + " to " + t.toAccount() + " from device " + device.id()));
                    yield new TradeResponse.TransferDone(t.transferId(), balances(tx, customer));
                }
                case TradeRequest.PurchaseOrder o -> {
                    Account current = bank.currentAccount(tx, customer);
                    Account shop = bank.depositAccount(tx, o.merchantId());
                    String memo = "order " + o.orderId() + " from device " + device.id() + ": " + o.description();
                    ledger.transfer(tx, new TransferRequest("order:" + device.id() + ":" + o.orderId(), current.id(), shop.id(),
                            o.amount(), memo.length() > 300 ? memo.substring(0, 300) : memo));
                    yield new TradeResponse.OrderPaid(o.orderId(), o.merchantId(), o.amount(), balance(tx, current.id()));
                }
            };
        } catch (LedgerException | BankException | TradeCenterException e) {
            if (e.kind() == Kind.INTERNAL) {
                throw e;
            }
            // Each of these refused before writing anything: the business step left no trace.
            ErrorCode code = e.code() == LedgerException.INSUFFICIENT_FUNDS ? BankException.INSUFFICIENT_FUNDS : e.code();
            return new TradeResponse.Refused(code.value(), e.getMessage());
        }
    }

    private String ownAccount(Tx tx, String customerId, String name) {
        return switch (name) {
            case CURRENT -> bank.currentAccount(tx, customerId).id();
            case SAVINGS -> savingsAccount(customerId);
            default -> throw new TradeCenterException(TradeCenterException.UNKNOWN_ACCOUNT,
                    "own transfers are between \"" + CURRENT + "\" and \"" + SAVINGS + "\"");
        };
    }

    private List<TradeResponse.AccountBalance> balances(Tx tx, String customerId) {
        Account current = bank.currentAccount(tx, customerId);
        Account savings = ledger.find(tx, savingsAccount(customerId)).orElse(null);
        return savings == null ? List.of(new TradeResponse.AccountBalance(CURRENT, current.balance()))
                : List.of(new TradeResponse.AccountBalance(CURRENT, current.balance()),
                        new TradeResponse.AccountBalance(SAVINGS, savings.balance()));
    }

    private escudo.core.Money balance(Tx tx, String accountId) {
        return ledger.find(tx, accountId).orElseThrow().balance();
    }

    private static void requireActive(DeviceRow device) {
        if (device.status() != DeviceStatus.ACTIVE) {
            throw new TradeCenterException(TradeCenterException.DEVICE_REVOKED,
                    "device " + device.id() + " was revoked at " + device.revokedAt());
        }
    }

    private static void requireFresh(DeviceRow device, long counter) {
        if (counter <= device.lastIn()) {
            throw new TradeException(TradeException.REPLAYED, "device " + device.id() + " already sent counter "
                    + device.lastIn() + "; message " + counter + " is a replay or out of order");
        }
    }

    private TradeChannel.IssuerEnd issuerEnd(DeviceRow device) {
        byte[] serial;
        byte[] secret;
        try {
            CanonicalReader r = CanonicalReader.expect(storage.open(Base64.getDecoder().decode(device.sealedSecrets()),
                    secretsAd(device.id()), "device secrets"), SECRETS_DOMAIN);
            serial = r.string().getBytes(StandardCharsets.UTF_8);
            secret = r.bytes();
            r.end();
        } catch (CryptoException | IllegalArgumentException e) {
            throw new TradeCenterException(TradeCenterException.SECRETS_UNREADABLE,
                    "the stored secrets of device " + device.id() + " do not open with this node's storage key");
        }
        return new TradeChannel.IssuerEnd(device.id(), device.order(), VerifyingKey.ofHex(device.deviceKey()),
                HEX.parseHex(device.sealKey()), serial, secret);
    }

    // ---- devices at the desk ----

    /** Revokes a device: it can no longer trade. Revoking a revoked device changes nothing. */
    public DeviceView revoke(String deviceId) {
        Instant now = now();
        return db.inTransaction(tx -> {
            DeviceRow device = device(tx, deviceId, true);
            if (device.status() == DeviceStatus.ACTIVE) {
                tx.update("UPDATE issuer_device SET status = ?, revoked_at = ? WHERE device_id = ?", DeviceStatus.REVOKED.name(), now, deviceId);
            }
            return device(tx, deviceId, false).view();
        });
    }

    /** A device, or {@code s0.unknown-device}. */
    public DeviceView device(String deviceId) {
        return db.inTransaction(tx -> device(tx, deviceId, false).view());
    }

    /** The customer's devices, oldest first; {@code issuer.unknown-customer} if the bank has no such customer. */
    public List<DeviceView> devices(String customerId) {
        return db.inTransaction(tx -> {
            bank.currentAccount(tx, customerId);
            return tx.query("SELECT " + DEVICE_COLUMNS + " FROM issuer_device WHERE customer_id = ? ORDER BY created_at, device_id",
                    TradeCenter::row, customerId).stream().map(DeviceRow::view).toList();
        });
    }

    // ---- rows ----

    private record DeviceRow(String id, String customerId, String deviceKey, String sealKey, LayerOrder order, String label,
            String sealedSecrets, long lastIn, long lastOut, DeviceStatus status, Instant createdAt, Instant revokedAt) {

        DeviceView view() {
            return new DeviceView(id, customerId, label, order, VerifyingKey.ofHex(deviceKey), status, lastIn, lastOut, createdAt, revokedAt);
        }
    }

    private static DeviceRow device(Tx tx, String deviceId, boolean forUpdate) {
        return tx.queryOne("SELECT " + DEVICE_COLUMNS + " FROM issuer_device WHERE device_id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                        TradeCenter::row, deviceId)
                .orElseThrow(() -> new TradeCenterException(TradeCenterException.UNKNOWN_DEVICE,
                        "no device " + deviceId + " is registered at this bank"));
    }

    private static DeviceRow row(ResultSet r) throws SQLException {
        return new DeviceRow(r.getString("device_id"), r.getString("customer_id"), r.getString("device_key"), r.getString("seal_key"),
                LayerOrder.valueOf(r.getString("layer_order")), r.getString("label"), r.getString("sealed_secrets"),
                r.getLong("last_counter_in"), r.getLong("last_counter_out"), DeviceStatus.valueOf(r.getString("status")),
                Tx.instant(r, "created_at"), Tx.instant(r, "revoked_at"));
    }

    // ---- helpers ----

    static String savingsAccount(String customerId) {
        return "customer:" + customerId + ":savings";
    }

    private static byte[] secretsAd(String deviceId) {
        return CanonicalWriter.domain(SECRETS_DOMAIN).string(deviceId).toByteArray();
    }

    /** Codes are compared without case, spaces or dashes, so "abcd-efgh 23" is "ABCDEFGH23". */
    static String normalise(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    private static byte[] codeHash(String code) {
        return Digest.sha256(code.getBytes(StandardCharsets.UTF_8));
    }

    private static String drawCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Truncated to what PostgreSQL stores, so what is returned equals what is read back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
