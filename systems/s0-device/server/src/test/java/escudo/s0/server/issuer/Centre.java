package escudo.s0.server.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.bank.Bank;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A bank with its trade centre on a fresh database, a settable clock, and simulated devices. */
final class Centre implements AutoCloseable {

    /**
     * A device as the protocol module defines it (the wallet module is not used here): its key
     * pairs, its hardware serial and, once registered, its end of the trade channel.
     */
    static final class Phone {
        final SigningKey key;
        final Hpke.Recipient seal;
        final String serial;
        final LayerOrder order;
        String deviceId;
        byte[] secret;
        TradeChannel.DeviceEnd end;
        long counter;

        Phone(LayerOrder order, String serial) {
            this(SigningKey.generate(), Hpke.Recipient.generate(), serial, order);
        }

        Phone(SigningKey key, Hpke.Recipient seal, String serial, LayerOrder order) {
            this.key = key;
            this.seal = seal;
            this.serial = serial;
            this.order = order;
        }

        byte[] registration(RegistrationInfo info, String customerId, String code) {
            return new DeviceRegistration(key.verifyingKey(), Bytes.of(seal.publicKey()), serial, customerId, code, order, "phone of " + customerId)
                    .seal(key, info.registrationKey().toByteArray(), info.issuerId());
        }

        void registered(RegistrationReceipt receipt, RegistrationInfo info) {
            deviceId = receipt.deviceId();
            secret = receipt.openSecret(info.issuerKey(), seal, SecretAccess.forSealedStorage());
            end = new TradeChannel.DeviceEnd(deviceId, order, key, seal, serial.getBytes(StandardCharsets.UTF_8), secret);
        }

        /** The same key pairs and registration on a machine with another serial (the copy of claim 1). */
        Phone copiedTo(String otherSerial) {
            Phone copy = new Phone(key, seal, otherSerial, order);
            copy.deviceId = deviceId;
            copy.secret = secret.clone();
            copy.counter = counter;
            copy.end = new TradeChannel.DeviceEnd(deviceId, order, key, seal, otherSerial.getBytes(StandardCharsets.UTF_8), secret);
            return copy;
        }

        TradeEnvelope envelope(TradeRequest request) {
            return end.seal(++counter, request.encode());
        }

        TradeResponse read(TradeEnvelope answer) {
            return TradeResponse.decode(end.open(answer));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    final TestClock clock = new TestClock(Instant.now());
    final Database db = TestDatabase.create();
    final SigningKey bankKey = SigningKey.generate();
    final Bank issuer = new Bank("test-bank", bankKey.verifyingKey(), db, clock);
    final Hpke.Recipient registrationKey = Hpke.Recipient.generate();
    final byte[] storageKey = random(32);
    final TradeCenter center = new TradeCenter(issuer, db, bankKey, registrationKey, SecretBox.derive(storageKey, null, "test/devices"), clock);

    Centre() {
        issuer.openCustomer("alice", "Alice", Money.parse("200.00 EUR"));
        issuer.openCustomer("bob", "Bob", Money.parse("80.00 EUR"));
        issuer.openMerchant("shop", "Shop", "EUR", SigningKey.generate().verifyingKey());
    }

    /** A phone registered for the customer with a fresh enrolment code. */
    Phone phone(String customerId, LayerOrder order) {
        Phone phone = new Phone(order, "serial-" + customerId + "-" + Long.toHexString(RANDOM.nextLong()));
        RegistrationInfo info = center.registrationInfo();
        String code = center.issueEnrolment(customerId).code();
        phone.registered(center.register(phone.registration(info, customerId, code)), info);
        return phone;
    }

    TradeResponse ask(Phone phone, TradeRequest request) {
        return phone.read(center.handle(phone.envelope(request)));
    }

    /** Everything a refusal must leave as it was: balances, devices, enrolment codes. */
    Map<String, Object> snapshot() {
        Map<String, Object> state = new TreeMap<>();
        issuer.ledger().accounts().forEach(a -> state.put("account " + a.id(), a.balance()));
        state.put("transfers", count("SELECT COUNT(*) FROM ledger_transfers"));
        db.run(tx -> {
            tx.query("SELECT device_id, customer_id, status, last_counter_in, last_counter_out, revoked_at FROM issuer_device",
                    r -> state.put("device " + r.getString(1), List.of(r.getString(2), r.getString(3), r.getLong(4), r.getLong(5),
                            String.valueOf(r.getObject(6)))));
            tx.query("SELECT enrolment_id, used_at, device_id FROM issuer_enrolment",
                    r -> state.put("enrolment " + r.getLong(1), String.valueOf(r.getObject(2)) + "/" + r.getString(3)));
        });
        return state;
    }

    long count(String sql, Object... args) {
        return db.inTransaction(tx -> tx.queryOne(sql, r -> r.getLong(1), args).orElseThrow());
    }

    void assertBooksBalance() {
        issuer.ledger().totals().forEach((currency, total) -> assertEquals(0L, total, "ledger total in " + currency));
    }

    static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        db.close();
    }
}
