package escudo.s0.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/**
 * One valid instance of every S0 message, built with the public API, for the fuzz targets. The
 * keys are drawn anew in each run, so a message a fuzzer saved in an earlier run is as foreign
 * as a forgery in this one (sealing is randomised: the same keys would open it).
 */
final class S0Messages {

    static final String ISSUER_ID = "escudo-bank";
    static final String DEVICE_ID = "dev-1";
    static final SigningKey ISSUER_KEY = SigningKey.generate();
    static final SigningKey DEVICE_KEY = SigningKey.generate();
    static final Hpke.Recipient DEVICE_SEAL_KEY = Hpke.Recipient.generate();
    static final Hpke.Recipient REGISTRATION_KEY = Hpke.Recipient.generate();
    static final byte[] SERIAL = "4c4c4544-0042-3510-8052-b4c04f565031".getBytes(StandardCharsets.UTF_8);
    static final byte[] SECRET = random(32);

    static final DeviceRegistration REGISTRATION = new DeviceRegistration(DEVICE_KEY.verifyingKey(),
            Bytes.of(DEVICE_SEAL_KEY.publicKey()), new String(SERIAL, StandardCharsets.UTF_8), "customer-1", "ENROL-1234",
            LayerOrder.ASYMMETRIC_INSIDE, "phone of Ana");
    static final byte[] SEALED_REGISTRATION = REGISTRATION.seal(DEVICE_KEY, REGISTRATION_KEY.publicKey(), ISSUER_ID);
    static final RegistrationReceipt RECEIPT = RegistrationReceipt.issue(DEVICE_ID, REGISTRATION, SECRET, ISSUER_KEY);

    static final List<TradeRequest> REQUESTS = List.of(new TradeRequest.BalanceInquiry(),
            new TradeRequest.OwnTransfer("t-1", "current", "savings", Money.of(1000, "EUR")),
            new TradeRequest.PurchaseOrder("o-1", "shop-1", Money.of(1250, "EUR"), "2 × café"));
    static final List<TradeResponse> RESPONSES = List.of(
            new TradeResponse.Balances(List.of(new TradeResponse.AccountBalance("current", Money.of(100, "EUR")),
                    new TradeResponse.AccountBalance("savings", Money.of(-5, "EUR")))),
            new TradeResponse.TransferDone("t-1", List.of()),
            new TradeResponse.OrderPaid("o-1", "shop-1", Money.of(1250, "EUR"), Money.of(0, "EUR")),
            new TradeResponse.Refused("s0.replayed", "already done"));

    private S0Messages() {
    }

    static TradeChannel.DeviceEnd device(LayerOrder order) {
        return new TradeChannel.DeviceEnd(DEVICE_ID, order, DEVICE_KEY, DEVICE_SEAL_KEY, SERIAL, SECRET);
    }

    static TradeChannel.IssuerEnd issuer(LayerOrder order) {
        return new TradeChannel.IssuerEnd(DEVICE_ID, order, DEVICE_KEY.verifyingKey(), DEVICE_SEAL_KEY.publicKey(), SERIAL, SECRET);
    }

    static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
