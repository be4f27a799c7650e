package escudo.s0.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.http.Problem;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.api.TradeApi;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeException;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: device registration is open to anyone and opens an HPKE message before it checks the
 * enrolment code, so one address gets a burst of attempts and then a few a second; the desk and
 * the centre's public keys are not limited.
 */
class RegistrationLimitOverHttpTest {

    private final TestClock clock = new TestClock(Instant.now());
    private PartyNode bankNode;
    private PartyClient desk;
    private PartyClient device;

    @BeforeEach
    void start() {
        bankNode = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "escudo-bank", "escudo.issuer.port", "0",
                        "escudo.rate.limit", "1", "escudo.rate.burst", "2")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).clock(clock).start();
        desk = new PartyClient(bankNode.uri(), bankNode.operatorToken());
        device = new PartyClient(bankNode.uri());
        desk.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("100.00 EUR")), BankApi.Balance.class);
    }

    @AfterEach
    void stop() {
        device.close();
        desk.close();
        bankNode.close();
    }

    private TradeApi.Registration registration(String code) {
        RegistrationInfo info = device.get("/issuer/devices/registration", RegistrationInfo.class);
        SigningKey key = SigningKey.generate();
        byte[] sealed = new DeviceRegistration(key.verifyingKey(), Bytes.of(Hpke.Recipient.generate().publicKey()), "serial-1", "alice",
                code, LayerOrder.ASYMMETRIC_INSIDE, "phone").seal(key, info.registrationKey().toByteArray(), info.issuerId());
        return new TradeApi.Registration(Bytes.of(sealed));
    }

    @Test
    void afterItsBurstAnAddressIsRefused429UntilTheBucketRefills() throws Exception {
        TradeApi.Registration forged = new TradeApi.Registration(Bytes.of(new byte[64]));
        for (int i = 0; i < 2; i++) {
            assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED,
                    () -> device.post("/issuer/devices", forged, RegistrationReceipt.class));
        }
        TradeApi.EnrolmentCode code = desk.post("/issuer/devices/enrolments", new TradeApi.Enrol("alice"), TradeApi.EnrolmentCode.class);
        TradeApi.Registration genuine = registration(code.code());
        assertRefused(Problem.RATE_LIMITED, Kind.REFUSED, () -> device.post("/issuer/devices", genuine, RegistrationReceipt.class));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(bankNode.uri() + "/issuer/devices"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(genuine))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(429, raw.statusCode());
            assertEquals("1", raw.headers().firstValue("Retry-After").orElse(""));
            assertTrue(raw.body().contains("\"code\":\"request.rate-limited\""), raw.body());
        }

        clock.advance(Duration.ofSeconds(1));
        RegistrationReceipt receipt = device.post("/issuer/devices", genuine, RegistrationReceipt.class);
        assertTrue(receipt.deviceId().startsWith("dev-"), receipt.deviceId());
        assertEquals(1, desk.get("/issuer/customers/alice/devices", TradeApi.Devices.class).devices().size(),
                "the refused attempts registered nothing, the admitted one its device");
    }
}
