package escudo.s0.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seed 000, Figs. 9-10: both layers, both orders, both directions, and what a copied key pair cannot do. */
class TradeChannelTest {

    private final SigningKey deviceKey = SigningKey.generate();
    private final Hpke.Recipient sealKey = Hpke.Recipient.generate();
    private final byte[] serial = "4c4c4544-0042-3510-8052-b4c04f565031".getBytes(StandardCharsets.UTF_8);
    private final byte[] secret = new byte[32];
    private final byte[] message = new TradeRequest.OwnTransfer("t-1", "current", "savings", Money.parse("10.00 EUR")).encode();

    {
        new java.security.SecureRandom().nextBytes(secret);
    }

    private TradeChannel.DeviceEnd device(LayerOrder order, byte[] serial) {
        return new TradeChannel.DeviceEnd("dev-1", order, deviceKey, sealKey, serial, secret);
    }

    private TradeChannel.IssuerEnd issuer(LayerOrder order) {
        return new TradeChannel.IssuerEnd("dev-1", order, deviceKey.verifyingKey(), sealKey.publicKey(), serial, secret);
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void messagesRoundTripInBothDirections(LayerOrder order) {
        TradeEnvelope up = device(order, serial).seal(1, message);
        assertArrayEquals(message, issuer(order).open(up));
        assertEquals(TradeRequest.decode(message), TradeRequest.decode(issuer(order).open(up)));
        byte[] answer = new TradeResponse.Balances(java.util.List.of(new TradeResponse.AccountBalance("current", Money.parse("1.00 EUR")))).encode();
        TradeEnvelope down = issuer(order).seal(1, answer);
        assertArrayEquals(answer, device(order, serial).open(down));
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void theSameKeyPairOnAMachineWithAnotherSerialCanNeitherReadNorWrite(LayerOrder order) {
        byte[] otherSerial = "00000000-0000-0000-0000-000000000001".getBytes(StandardCharsets.UTF_8);
        TradeChannel.DeviceEnd copy = device(order, otherSerial);
        EscudoException forged = assertThrows(EscudoException.class, () -> issuer(order).open(copy.seal(1, message)));
        assertEquals(TradeException.SYMMETRIC_LAYER, forged.code());
        TradeEnvelope down = issuer(order).seal(1, message);
        assertEquals(TradeException.SYMMETRIC_LAYER, assertThrows(EscudoException.class, () -> copy.open(down)).code());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void tamperedBodiesForeignSignersAndMovedHeadersAreRefused(LayerOrder order) {
        TradeEnvelope up = device(order, serial).seal(7, message);
        byte[] body = up.body().toByteArray();
        body[body.length / 2] ^= 1;
        assertThrows(TradeException.class, () -> issuer(order).open(new TradeEnvelope("dev-1", Direction.TO_ISSUER, 7, order, Bytes.of(body))));
        // A different counter in the clear header no longer matches what the layers were bound to.
        assertThrows(TradeException.class, () -> issuer(order).open(new TradeEnvelope("dev-1", Direction.TO_ISSUER, 8, order, up.body())));
        assertEquals(TradeException.WRONG_DEVICE, assertThrows(TradeException.class,
                () -> issuer(order).open(new TradeEnvelope("dev-2", Direction.TO_ISSUER, 7, order, up.body()))).code());
        LayerOrder other = order == LayerOrder.SYMMETRIC_INSIDE ? LayerOrder.ASYMMETRIC_INSIDE : LayerOrder.SYMMETRIC_INSIDE;
        assertEquals(TradeException.WRONG_ORDER, assertThrows(TradeException.class, () -> issuer(other).open(up)).code());
        // Someone with the serial and the secret but not the device's private key cannot sign for it.
        TradeChannel.DeviceEnd impostor = new TradeChannel.DeviceEnd("dev-1", order, SigningKey.generate(), sealKey, serial, secret);
        assertEquals(TradeException.BAD_SIGNATURE, assertThrows(TradeException.class, () -> issuer(order).open(impostor.seal(7, message))).code());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void aMessageSealedToAnotherDevicesKeyDoesNotOpen(LayerOrder order) {
        TradeChannel.DeviceEnd otherKeys = new TradeChannel.DeviceEnd("dev-1", order, deviceKey, Hpke.Recipient.generate(), serial, secret);
        assertEquals(TradeException.SEALED_LAYER, assertThrows(TradeException.class, () -> otherKeys.open(issuer(order).seal(1, message))).code());
    }

    @org.junit.jupiter.api.Test
    void registrationOpensOnlyAtTheIssuerAndCarriesTheDevicesProofOfPossession() {
        Hpke.Recipient issuerKey = Hpke.Recipient.generate();
        DeviceRegistration registration = new DeviceRegistration(deviceKey.verifyingKey(), Bytes.of(sealKey.publicKey()), new String(serial, StandardCharsets.UTF_8),
                "alice", "ABCD-EFGH", LayerOrder.ASYMMETRIC_INSIDE, "Alice's laptop");
        byte[] sealed = registration.seal(deviceKey, issuerKey.publicKey(), "escudo-bank");
        DeviceRegistration opened = DeviceRegistration.open(sealed, issuerKey, "escudo-bank");
        assertEquals(registration.serial(), opened.serial());
        assertEquals(registration.deviceKey(), opened.deviceKey());
        assertThrows(TradeException.class, () -> DeviceRegistration.open(sealed, Hpke.Recipient.generate(), "escudo-bank"));
        assertThrows(TradeException.class, () -> DeviceRegistration.open(sealed, issuerKey, "other-bank"));
        assertThrows(TradeException.class, () -> registration.seal(SigningKey.generate(), issuerKey.publicKey(), "escudo-bank"));

        SigningKey bank = SigningKey.generate();
        RegistrationReceipt receipt = RegistrationReceipt.issue("dev-1", opened, secret, bank);
        assertArrayEquals(secret, receipt.openSecret(bank.verifyingKey(), sealKey, SecretAccess.forSealedStorage()));
        assertThrows(TradeException.class, () -> receipt.openSecret(SigningKey.generate().verifyingKey(), sealKey, SecretAccess.forSealedStorage()));
        assertThrows(TradeException.class, () -> receipt.openSecret(bank.verifyingKey(), Hpke.Recipient.generate(), SecretAccess.forSealedStorage()));
    }
}
