package escudo.s0.device;

import static escudo.s0.device.RegistrationAndTradeTest.SERIAL;
import static escudo.s0.device.TestIssuer.CODE;
import static escudo.s0.device.TestIssuer.CUSTOMER;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeChannel;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seed 000's point: a copy of the wallet, or of its keys and secret, is useless on another machine. */
class HardwareBindingTest {

    static final String OTHER_SERIAL = "4C4C4544-0042-3510-8057-B7C04F564D33";

    @TempDir
    Path machineA;

    @TempDir
    Path machineB;

    final TestIssuer issuer = new TestIssuer();

    Wallet registered(LayerOrder order) {
        Wallet wallet = Wallet.create(machineA.resolve("wallet"), SERIAL);
        wallet.register(issuer, CUSTOMER, CODE, order, "my laptop");
        wallet.send(issuer, new TradeRequest.BalanceInquiry());
        return wallet;
    }

    static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void walletCopiedToAnotherMachineDoesNotOpen(LayerOrder order) throws Exception {
        registered(order);
        Path copied = copy(machineA.resolve("wallet"), machineB.resolve("wallet"));

        DeviceException e = assertRefused(DeviceException.class, DeviceException.WRONG_HARDWARE, () -> Wallet.open(copied, OTHER_SERIAL));
        assertEquals(Kind.UNAUTHENTICATED, e.kind());
        assertTrue(e.getMessage().contains("this wallet belongs to another machine"), e.getMessage());
        assertTrue(!e.getMessage().contains(SERIAL) && !e.getMessage().contains(OTHER_SERIAL), e.getMessage());

        // the copy itself is intact: only the serial differs
        assertTrue(Wallet.open(copied, SERIAL).status().registered());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void extractedKeysAndSecretUsedWithAnotherSerialProduceNothingTheIssuerAccepts(LayerOrder order) {
        Wallet wallet = registered(order);
        DeviceState stolen = wallet.state();
        DeviceState.Registration r = stolen.registration();
        TradeChannel.DeviceEnd thief = new TradeChannel.DeviceEnd(r.deviceId(), order, stolen.deviceKey(), stolen.sealKey(),
                OTHER_SERIAL.getBytes(StandardCharsets.UTF_8), r.secret().toByteArray());
        TestIssuer.Device device = issuer.device(r.deviceId());
        long acceptedBefore = issuer.accepted;
        long lastBefore = device.lastIncoming;

        TradeEnvelope forged = thief.seal(r.nextOutgoing(), new TradeRequest.BalanceInquiry().encode());
        TradeException e = assertRefused(TradeException.class, TradeException.SYMMETRIC_LAYER, () -> issuer.exchange(forged));
        assertEquals(Kind.UNAUTHENTICATED, e.kind());
        assertEquals(acceptedBefore, issuer.accepted);
        assertEquals(lastBefore, device.lastIncoming);

        // control: the very same keys with the true serial are accepted, so the serial is what refused it
        TradeChannel.DeviceEnd sameMachine = new TradeChannel.DeviceEnd(r.deviceId(), order, stolen.deviceKey(), stolen.sealKey(),
                SERIAL.getBytes(StandardCharsets.UTF_8), r.secret().toByteArray());
        TradeEnvelope answer = issuer.exchange(sameMachine.seal(r.nextOutgoing(), new TradeRequest.BalanceInquiry().encode()));
        assertEquals(acceptedBefore + 1, issuer.accepted);
        assertEquals(new TradeResponse.Balances(TestIssuer.BALANCES), TradeResponse.decode(sameMachine.open(answer)));
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void extractedKeysAndSecretUsedWithAnotherSerialCannotReadTheIssuersAnswers(LayerOrder order) {
        Wallet wallet = registered(order);
        DeviceState stolen = wallet.state();
        DeviceState.Registration r = stolen.registration();
        RegistrationAndTradeTest.RecordingLink wire = new RegistrationAndTradeTest.RecordingLink(issuer);
        wallet.send(wire, new TradeRequest.BalanceInquiry());
        TradeEnvelope intercepted = wire.answers.getFirst();

        TradeChannel.DeviceEnd thief = new TradeChannel.DeviceEnd(r.deviceId(), order, stolen.deviceKey(), stolen.sealKey(),
                OTHER_SERIAL.getBytes(StandardCharsets.UTF_8), r.secret().toByteArray());
        assertRefused(TradeException.class, TradeException.SYMMETRIC_LAYER, () -> thief.open(intercepted));

        // control: with the true serial the same intercepted answer opens
        TradeChannel.DeviceEnd sameMachine = new TradeChannel.DeviceEnd(r.deviceId(), order, stolen.deviceKey(), stolen.sealKey(),
                SERIAL.getBytes(StandardCharsets.UTF_8), r.secret().toByteArray());
        assertArrayEquals(new TradeResponse.Balances(TestIssuer.BALANCES).encode(), sameMachine.open(intercepted));
    }
}
