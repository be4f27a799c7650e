package escudo.s0.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.BankException;
import escudo.core.Bytes;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.node.Node;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s0.protocol.TradeException;
import escudo.s0.api.DeviceStatus;
import escudo.s0.api.DeviceView;
import escudo.s0.api.RegistrationInfo;
import escudo.bank.client.BankApi;
import escudo.s0.api.TradeApi;
import escudo.http.PartyClient;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.Direction;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s0.protocol.TradeResponse.AccountBalance;
import escudo.s0.server.issuer.TradeCenterException;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** S0 (seed 000) between a device and the bank's trade centre over real HTTP, bad paths included. */
class S0OverHttpTest {

    /** A device made of the protocol module's parts (the wallet module is written separately). */
    private static final class Phone {
        final SigningKey key = SigningKey.generate();
        final Hpke.Recipient seal = Hpke.Recipient.generate();
        final String serial;
        final LayerOrder order;
        String deviceId;
        TradeChannel.DeviceEnd end;
        long counter;

        Phone(LayerOrder order, String serial) {
            this.order = order;
            this.serial = serial;
        }

        void register(PartyClient bank, String customerId) {
            RegistrationInfo info = bank.get("/issuer/devices/registration", RegistrationInfo.class);
            TradeApi.EnrolmentCode code = bank.post("/issuer/devices/enrolments", new TradeApi.Enrol(customerId), TradeApi.EnrolmentCode.class);
            assertTrue(code.expiresAt().isAfter(Instant.now()));
            byte[] sealed = new DeviceRegistration(key.verifyingKey(), Bytes.of(seal.publicKey()), serial, customerId, code.code(), order, "phone")
                    .seal(key, info.registrationKey().toByteArray(), info.issuerId());
            RegistrationReceipt receipt = bank.post("/issuer/devices", new TradeApi.Registration(Bytes.of(sealed)), RegistrationReceipt.class);
            byte[] secret = receipt.openSecret(info.issuerKey(), seal, SecretAccess.forSealedStorage());
            deviceId = receipt.deviceId();
            end = new TradeChannel.DeviceEnd(deviceId, order, key, seal, serial.getBytes(StandardCharsets.UTF_8), secret);
        }

        TradeEnvelope envelope(TradeRequest request) {
            return end.seal(++counter, request.encode());
        }

        TradeResponse send(PartyClient bank, TradeEnvelope envelope) {
            TradeEnvelope answer = bank.post("/issuer/devices/" + deviceId + "/messages", envelope, TradeEnvelope.class);
            assertEquals(Direction.TO_DEVICE, answer.direction());
            return TradeResponse.decode(end.open(answer));
        }

        TradeResponse ask(PartyClient bank, TradeRequest request) {
            return send(bank, envelope(request));
        }
    }

    @TempDir
    Path dir;
    private PartyNode bankNode;
    private PartyClient bank;

    @BeforeEach
    void start() {
        bankNode = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "escudo-bank", "escudo.issuer.port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).start();
        bank = new PartyClient(bankNode.uri(), bankNode.operatorToken());
        openAccounts(bank);
    }

    private static void openAccounts(PartyClient bank) {
        bank.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("100.00 EUR")), BankApi.Balance.class);
        bank.post("/issuer/merchants", new BankApi.OpenMerchant("books", "Books", "EUR", SigningKey.generate().verifyingKey()),
                BankApi.Balance.class);
    }

    @AfterEach
    void stop() {
        bank.close();
        bankNode.close();
    }

    private static Money eur(String amount) {
        return Money.parse(amount + " EUR");
    }


    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void registrationAndTradeRoundTripOverHttp(LayerOrder order) {
        Phone phone = new Phone(order, "serial-" + order);
        phone.register(bank, "alice");

        assertEquals(new TradeResponse.Balances(List.of(new AccountBalance("current", eur("100.00")), new AccountBalance("savings", eur("0.00")))),
                phone.ask(bank, new TradeRequest.BalanceInquiry()));
        assertEquals(new TradeResponse.TransferDone("t-1", List.of(new AccountBalance("current", eur("75.00")),
                new AccountBalance("savings", eur("25.00")))), phone.ask(bank, new TradeRequest.OwnTransfer("t-1", "current", "savings", eur("25.00"))));
        assertEquals(new TradeResponse.OrderPaid("o-1", "books", eur("12.50"), eur("62.50")),
                phone.ask(bank, new TradeRequest.PurchaseOrder("o-1", "books", eur("12.50"), "a novel")));
        TradeResponse.Refused broke = assertInstanceOf(TradeResponse.Refused.class,
                phone.ask(bank, new TradeRequest.PurchaseOrder("o-2", "books", eur("500.00"), "an encyclopaedia")));
        assertEquals(BankException.INSUFFICIENT_FUNDS.value(), broke.code());

        assertEquals(eur("12.50"), bank.get("/issuer/merchants/books", BankApi.Balance.class).balance());
        assertEquals(0L, bank.get("/issuer/ledger", BankApi.LedgerView.class).totals().get("EUR"));
        List<DeviceView> devices = bank.get("/issuer/customers/alice/devices", TradeApi.Devices.class).devices();
        assertEquals(1, devices.size());
        DeviceView view = devices.getFirst();
        assertEquals(phone.deviceId, view.deviceId());
        assertEquals(order, view.order());
        assertEquals(phone.key.verifyingKey(), view.deviceKey());
        assertEquals(DeviceStatus.ACTIVE, view.status());
        assertEquals(4, view.lastCounterFromDevice());
        assertEquals(view, bank.get("/issuer/devices/" + phone.deviceId, DeviceView.class));
    }

    @Test
    void aReplayedMessageIsAConflictProblem() throws Exception {
        Phone phone = new Phone(LayerOrder.ASYMMETRIC_INSIDE, "serial-1");
        phone.register(bank, "alice");
        TradeEnvelope pay = phone.envelope(new TradeRequest.PurchaseOrder("o-1", "books", eur("5.00"), "a map"));
        phone.send(bank, pay);
        assertRefused(TradeException.REPLAYED, Kind.CONFLICT, () -> phone.send(bank, pay));
        assertEquals(eur("5.00"), bank.get("/issuer/merchants/books", BankApi.Balance.class).balance());

        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(bankNode.uri() + "/issuer/devices/" + phone.deviceId + "/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(escudo.http.Json.write(pay))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(409, raw.statusCode());
        assertEquals("application/problem+json", raw.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(raw.body().contains("s0.replayed"), raw.body());
    }

    @Test
    void bytesTravelAsBase64Strings() throws Exception {
        RegistrationInfo info = bank.get("/issuer/devices/registration", RegistrationInfo.class);
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(bankNode.uri() + "/issuer/devices/registration")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, raw.statusCode());
        assertTrue(raw.body().contains("\"registrationKey\":\"" + info.registrationKey().base64() + "\""), raw.body());
        TradeEnvelope envelope = new TradeEnvelope("dev-1", Direction.TO_ISSUER, 1, LayerOrder.SYMMETRIC_INSIDE, Bytes.ofHex("010203"));
        assertEquals("{\"deviceId\":\"dev-1\",\"direction\":\"TO_ISSUER\",\"counter\":1,\"order\":\"SYMMETRIC_INSIDE\",\"body\":\"AQID\"}",
                new String(Json.write(envelope), StandardCharsets.UTF_8));
        assertEquals(envelope, Json.read(Json.write(envelope), TradeEnvelope.class));
    }

    @Test
    void aRevokedDeviceIsRefused() {
        Phone phone = new Phone(LayerOrder.SYMMETRIC_INSIDE, "serial-1");
        phone.register(bank, "alice");
        phone.ask(bank, new TradeRequest.BalanceInquiry());
        DeviceView revoked = bank.post("/issuer/devices/" + phone.deviceId + "/revocation", new TradeApi.Revocation(), DeviceView.class);
        assertEquals(DeviceStatus.REVOKED, revoked.status());
        assertNotNull(revoked.revokedAt());
        assertRefused(TradeCenterException.DEVICE_REVOKED, Kind.REFUSED, () -> phone.ask(bank, new TradeRequest.BalanceInquiry()));
        assertRefused(TradeCenterException.UNKNOWN_DEVICE, Kind.NOT_FOUND,
                () -> bank.post("/issuer/devices/dev-0000000000000000/revocation", new TradeApi.Revocation(), DeviceView.class));
    }

    @Test
    void refusalsOfTheDeviceApiTravelWithTheirCodes() {
        Phone phone = new Phone(LayerOrder.SYMMETRIC_INSIDE, "serial-1");
        phone.register(bank, "alice");
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        assertRefused(TradeException.WRONG_DEVICE, Kind.INVALID,
                () -> bank.post("/issuer/devices/dev-0000000000000000/messages", envelope, TradeEnvelope.class));
        assertRefused(TradeCenterException.UNKNOWN_DEVICE, Kind.NOT_FOUND, () -> bank.post("/issuer/devices/dev-0000000000000000/messages",
                new TradeEnvelope("dev-0000000000000000", Direction.TO_ISSUER, 1, LayerOrder.SYMMETRIC_INSIDE, Bytes.of(new byte[] {1})),
                TradeEnvelope.class));
        assertRefused(BankException.UNKNOWN_CUSTOMER, Kind.NOT_FOUND,
                () -> bank.post("/issuer/devices/enrolments", new TradeApi.Enrol("mallory"), TradeApi.EnrolmentCode.class));
        assertRefused(BankException.UNKNOWN_CUSTOMER, Kind.NOT_FOUND, () -> bank.get("/issuer/customers/mallory/devices", TradeApi.Devices.class));
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED,
                () -> bank.post("/issuer/devices", new TradeApi.Registration(Bytes.of(new byte[64])), RegistrationReceipt.class));
        assertRefused(Json.MALFORMED, Kind.INVALID,
                () -> bank.post("/issuer/devices", Map.of("sealed", "not base64!"), RegistrationReceipt.class));
        assertRefused(TradeException.MALFORMED, Kind.INVALID, () -> bank.post("/issuer/devices/" + phone.deviceId + "/messages",
                Map.of("deviceId", phone.deviceId, "direction", "TO_ISSUER", "counter", 0, "order", "SYMMETRIC_INSIDE", "body", "AQ=="),
                TradeEnvelope.class));
        assertRefused(Json.MALFORMED, Kind.INVALID, () -> bank.post("/issuer/devices/" + phone.deviceId + "/messages",
                Map.of("deviceId", phone.deviceId, "direction", "SIDEWAYS", "counter", 1, "order", "SYMMETRIC_INSIDE", "body", "AQ=="),
                TradeEnvelope.class));
        phone.send(bank, envelope); // still good after all that
    }

    @Test
    void aNodeKeepsItsRegistrationKeyAndDeviceSecretsAcrossRestarts() {
        Map<String, String> settings = Map.of("escudo.data.dir", dir.resolve("data").toString(), "escudo.roles", "issuer",
                "escudo.issuer.port", "0");
        NodeConfig config = NodeConfig.load(null, Map.of(), settings);
        Phone phone = new Phone(LayerOrder.ASYMMETRIC_INSIDE, "serial-restart");
        Bytes registrationKey;
        try (Node node = Node.start(config, Map.of()); PartyClient client = new PartyClient(node.party(Role.ISSUER).orElseThrow().uri(), node.party(Role.ISSUER).orElseThrow().operatorToken())) {
            openAccounts(client);
            phone.register(client, "alice");
            phone.ask(client, new TradeRequest.OwnTransfer("t-1", "current", "savings", eur("10.00")));
            registrationKey = client.get("/issuer/devices/registration", RegistrationInfo.class).registrationKey();
        }
        try (Node node = Node.start(config, Map.of()); PartyClient client = new PartyClient(node.party(Role.ISSUER).orElseThrow().uri(), node.party(Role.ISSUER).orElseThrow().operatorToken())) {
            assertEquals(registrationKey, client.get("/issuer/devices/registration", RegistrationInfo.class).registrationKey());
            assertEquals(List.of(new AccountBalance("current", eur("90.00")), new AccountBalance("savings", eur("10.00"))),
                    ((TradeResponse.Balances) phone.ask(client, new TradeRequest.BalanceInquiry())).accounts());
        }
    }
}
