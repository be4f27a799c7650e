package escudo.s0.device;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The issuer ("trade server center") of seed 000, built from the real protocol classes only: it
 * opens registrations, checks single-use enrolment codes, records serial, user and keys per device,
 * and answers trade messages through {@link TradeChannel.IssuerEnd}, refusing counters that do not
 * increase.
 */
final class TestIssuer implements IssuerLink {

    /** This stand-in's refusal of a wrong enrolment code (the real trade centre's is in escudo-s0-server). */
    static final ErrorCode BAD_ENROLMENT_CODE = ErrorCode.declare("issuer.bad-enrolment-code", Kind.UNAUTHENTICATED);

    static final String ID = "test-issuer";
    static final String CUSTOMER = "cust-1";
    static final String CODE = "ENROL-7391";
    static final List<TradeResponse.AccountBalance> BALANCES = List.of(
            new TradeResponse.AccountBalance("current", Money.of(12_345, "EUR")),
            new TradeResponse.AccountBalance("savings", Money.of(500_00, "EUR")));

    /** What the issuer records per device (step 613), and its two counters. */
    static final class Device {
        final DeviceRegistration registration;
        final byte[] secret;
        final TradeChannel.IssuerEnd end;
        long lastIncoming;

        Device(DeviceRegistration registration, byte[] secret, TradeChannel.IssuerEnd end) {
            this.registration = registration;
            this.secret = secret;
            this.end = end;
        }
    }

    final Hpke.Recipient registrationKey = Hpke.Recipient.generate();
    final SigningKey bankKey = SigningKey.generate();
    final Map<String, String> enrolmentCodes = new HashMap<>(Map.of(CUSTOMER, CODE));
    final Map<String, Device> devices = new HashMap<>();
    int accepted;
    private final SecureRandom random = new SecureRandom();

    @Override
    public RegistrationInfo registrationInfo() {
        return new RegistrationInfo(ID, Bytes.of(registrationKey.publicKey()), bankKey.verifyingKey());
    }

    @Override
    public RegistrationReceipt register(byte[] sealedRegistration) {
        DeviceRegistration registration = DeviceRegistration.open(sealedRegistration, registrationKey, ID);
        String expected = enrolmentCodes.get(registration.customerId());
        if (expected == null || !expected.equals(registration.enrolmentCode())) {
            throw new EscudoException(BAD_ENROLMENT_CODE, "unknown customer or wrong enrolment code");
        }
        enrolmentCodes.remove(registration.customerId()); // single use
        String deviceId = "dev-" + (devices.size() + 1);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        TradeChannel.IssuerEnd end = new TradeChannel.IssuerEnd(deviceId, registration.order(), registration.deviceKey(),
                registration.sealKey().toByteArray(), registration.serial().getBytes(StandardCharsets.UTF_8), secret);
        devices.put(deviceId, new Device(registration, secret, end));
        return RegistrationReceipt.issue(deviceId, registration, secret, bankKey);
    }

    @Override
    public TradeEnvelope exchange(TradeEnvelope request) {
        Device device = devices.get(request.deviceId());
        if (device == null) {
            throw new TradeException(TradeException.WRONG_DEVICE, "no such device");
        }
        byte[] plaintext = device.end.open(request); // authenticate first, then trust the counter
        if (request.counter() <= device.lastIncoming) {
            throw new TradeException(TradeException.REPLAYED,
                    "counter " + request.counter() + " is not after " + device.lastIncoming);
        }
        device.lastIncoming = request.counter();
        accepted++;
        TradeResponse response = switch (TradeRequest.decode(plaintext)) {
            case TradeRequest.BalanceInquiry b -> new TradeResponse.Balances(BALANCES);
            case TradeRequest.OwnTransfer t -> new TradeResponse.Refused("issuer.not-supported", "not in this test");
            case TradeRequest.PurchaseOrder o -> new TradeResponse.Refused("issuer.not-supported", "not in this test");
        };
        return device.end.seal(request.counter(), response.encode()); // the answer carries the counter it answers
    }

    Device device(String deviceId) {
        return devices.get(deviceId);
    }


}
