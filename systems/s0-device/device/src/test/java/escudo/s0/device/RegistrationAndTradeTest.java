package escudo.s0.device;

import static escudo.s0.device.TestIssuer.CODE;
import static escudo.s0.device.TestIssuer.CUSTOMER;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.EscudoException.Kind;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.protocol.DeviceRegistration;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RegistrationAndTradeTest {

    static final String SERIAL = "4C4C4544-0042-3510-8057-B7C04F564D32";

    @TempDir
    Path dir;

    final TestIssuer issuer = new TestIssuer();

    Wallet registered(LayerOrder order) {
        Wallet wallet = Wallet.create(dir, SERIAL);
        wallet.register(issuer, CUSTOMER, CODE, order, "my laptop");
        return wallet;
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void registeredWalletGetsItsBalancesInEitherLayerOrder(LayerOrder order) {
        Wallet wallet = registered(order);
        WalletStatus status = wallet.status();
        assertTrue(status.registered());
        assertEquals(order, status.order());
        assertEquals(TestIssuer.ID, status.issuerId());
        assertEquals(CUSTOMER, status.customerId());
        assertEquals("my laptop", status.label());

        // the issuer recorded serial, user and key (step 613)
        TestIssuer.Device device = issuer.device(status.deviceId());
        assertEquals(SERIAL, device.registration.serial());
        assertEquals(wallet.state().deviceKey().verifyingKey(), device.registration.deviceKey());

        TradeResponse response = wallet.send(issuer, new TradeRequest.BalanceInquiry());
        assertEquals(new TradeResponse.Balances(TestIssuer.BALANCES), response);
        assertEquals(1, issuer.accepted);
    }

    @Test
    void sendBeforeRegistrationIsRefused() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        DeviceException e = assertRefused(DeviceException.class, DeviceException.NOT_REGISTERED, () -> wallet.send(issuer, new TradeRequest.BalanceInquiry()));
        assertEquals(Kind.REFUSED, e.kind());
        WalletStatus status = wallet.status();
        assertFalse(status.registered());
        assertNull(status.deviceId());
        assertNull(status.order());
    }

    @Test
    void registrationHappensOnce() {
        Wallet wallet = registered(LayerOrder.SYMMETRIC_INSIDE);
        issuer.enrolmentCodes.put(CUSTOMER, CODE);
        assertRefused(DeviceException.ALREADY_REGISTERED,
                () -> wallet.register(issuer, CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "again"));
        assertEquals(1, issuer.devices.size());
    }

    @Test
    void wrongEnrolmentCodeIsRefusedAndLeavesTheWalletUnregistered() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        assertRefused(TestIssuer.BAD_ENROLMENT_CODE,
                () -> wallet.register(issuer, CUSTOMER, "ENROL-0000", LayerOrder.SYMMETRIC_INSIDE, "my laptop"));
        assertFalse(wallet.status().registered());
        assertFalse(Wallet.open(dir, SERIAL).status().registered());
        assertTrue(issuer.devices.isEmpty());

        // the right code still works afterwards, from the reopened wallet
        Wallet reopened = Wallet.open(dir, SERIAL);
        reopened.register(issuer, CUSTOMER, CODE, LayerOrder.ASYMMETRIC_INSIDE, "my laptop");
        assertTrue(Wallet.open(dir, SERIAL).status().registered());
        assertEquals(new TradeResponse.Balances(TestIssuer.BALANCES), reopened.send(issuer, new TradeRequest.BalanceInquiry()));
    }

    @Test
    void receiptForAnotherDeviceKeyOrLayerOrderIsRefusedAndStoresNothing() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        SigningKey otherKey = SigningKey.generate();
        DeviceRegistration otherDevice = new DeviceRegistration(otherKey.verifyingKey(), Bytes.of(Hpke.Recipient.generate().publicKey()),
                "other-serial", CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "other");
        DeviceRegistration otherOrder = new DeviceRegistration(wallet.state().deviceKey().verifyingKey(),
                Bytes.of(wallet.state().sealKey().publicKey()), SERIAL, CUSTOMER, CODE, LayerOrder.ASYMMETRIC_INSIDE, "mine");
        for (DeviceRegistration answeredFor : List.of(otherDevice, otherOrder)) {
            // properly signed by the bank, but not for what this wallet asked
            IssuerLink swapping = new ForwardingLink(issuer) {
                @Override
                public RegistrationReceipt register(byte[] sealedRegistration) {
                    return RegistrationReceipt.issue("dev-9", answeredFor, new byte[32], issuer.bankKey);
                }
            };
            assertRefused(DeviceException.RECEIPT_MISMATCH,
                    () -> wallet.register(swapping, CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "mine"));
            assertFalse(wallet.status().registered());
            assertFalse(Wallet.open(dir, SERIAL).status().registered());
        }
    }

    @Test
    void malformedRegistrationInfoIsRefusedBeforeAnythingIsSent() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        RegistrationInfo real = issuer.registrationInfo();
        List<RegistrationInfo> malformed = List.of(
                new RegistrationInfo(" ", real.registrationKey(), real.issuerKey()),
                new RegistrationInfo("b".repeat(65), real.registrationKey(), real.issuerKey()),
                new RegistrationInfo(real.issuerId(), Bytes.of(new byte[31]), real.issuerKey()),
                new RegistrationInfo(real.issuerId(), null, real.issuerKey()),
                new RegistrationInfo(real.issuerId(), real.registrationKey(), null));
        for (RegistrationInfo info : malformed) {
            List<byte[]> sent = new ArrayList<>();
            IssuerLink link = new ForwardingLink(issuer) {
                @Override
                public RegistrationInfo registrationInfo() {
                    return info;
                }

                @Override
                public RegistrationReceipt register(byte[] sealedRegistration) {
                    sent.add(sealedRegistration);
                    return super.register(sealedRegistration);
                }
            };
            assertRefused(DeviceException.RECEIPT_MISMATCH,
                    () -> wallet.register(link, CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "mine"));
            assertTrue(sent.isEmpty(), "nothing is sealed to a key the device refused");
            assertFalse(Wallet.open(dir, SERIAL).status().registered());
        }
    }

    @Test
    void receiptNotSignedByTheIssuerIsRefused() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        TestIssuer impostor = new TestIssuer();
        // the registration goes to the real issuer's key, the receipt comes signed by another bank
        IssuerLink link = new ForwardingLink(issuer) {
            @Override
            public RegistrationReceipt register(byte[] sealedRegistration) {
                RegistrationReceipt real = issuer.register(sealedRegistration);
                return RegistrationReceipt.issue(real.deviceId(), issuer.device(real.deviceId()).registration,
                        new byte[32], impostor.bankKey);
            }
        };
        assertRefused(TradeException.class, TradeException.BAD_SIGNATURE,
                () -> wallet.register(link, CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "mine"));
        assertFalse(wallet.status().registered());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void countersIncreaseAndSurviveReopening(LayerOrder order) {
        Wallet wallet = registered(order);
        assertEquals(1, wallet.status().nextOutgoing());
        assertEquals(0, wallet.status().lastIncoming());
        RecordingLink link = new RecordingLink(issuer);
        wallet.send(link, new TradeRequest.BalanceInquiry());
        wallet.send(link, new TradeRequest.BalanceInquiry());
        assertEquals(List.of(1L, 2L), link.requests.stream().map(TradeEnvelope::counter).toList());
        assertEquals(List.of(1L, 2L), link.answers.stream().map(TradeEnvelope::counter).toList());
        assertEquals(3, wallet.status().nextOutgoing());
        assertEquals(2, wallet.status().lastIncoming());

        Wallet reopened = Wallet.open(dir, SERIAL);
        assertEquals(wallet.status(), reopened.status());
        reopened.send(link, new TradeRequest.BalanceInquiry());
        assertEquals(3, link.requests.getLast().counter());
        assertEquals(3, issuer.accepted);
        assertEquals(4, Wallet.open(dir, SERIAL).status().nextOutgoing());
    }

    @Test
    void counterIsConsumedOnDiskBeforeSendingSoACrashNeverReusesIt() {
        registered(LayerOrder.SYMMETRIC_INSIDE);
        // the process "dies" while the message is on its way: the link delivers it, then fails
        IssuerLink dying = new ForwardingLink(issuer) {
            @Override
            public TradeEnvelope exchange(TradeEnvelope request) {
                assertEquals(2, Wallet.open(dir, SERIAL).status().nextOutgoing(), "counter 1 is on disk as used before sending");
                issuer.exchange(request);
                throw new IllegalStateException("connection lost");
            }
        };
        assertThrows(IllegalStateException.class, () -> Wallet.open(dir, SERIAL).send(dying, new TradeRequest.BalanceInquiry()));

        Wallet restarted = Wallet.open(dir, SERIAL);
        assertEquals(2, restarted.status().nextOutgoing());
        RecordingLink link = new RecordingLink(issuer);
        assertEquals(new TradeResponse.Balances(TestIssuer.BALANCES), restarted.send(link, new TradeRequest.BalanceInquiry()));
        assertEquals(2, link.requests.getFirst().counter());
        // the issuer's answer counter moved on too (its answer 1 was lost): 2 > 0 is accepted
        assertEquals(2, restarted.status().lastIncoming());
    }

    @Test
    void issuerRefusesAReplayedRequest() {
        Wallet wallet = registered(LayerOrder.ASYMMETRIC_INSIDE);
        RecordingLink link = new RecordingLink(issuer);
        wallet.send(link, new TradeRequest.BalanceInquiry());
        TradeException e = assertRefused(TradeException.class, TradeException.REPLAYED, () -> issuer.exchange(link.requests.getFirst()));
        assertEquals(Kind.CONFLICT, e.kind());
        assertEquals(1, issuer.accepted);
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void replayedResponseIsRefusedAndChangesNothing(LayerOrder order) {
        Wallet wallet = registered(order);
        RecordingLink link = new RecordingLink(issuer);
        wallet.send(link, new TradeRequest.BalanceInquiry());
        TradeEnvelope first = link.answers.getFirst();
        WalletStatus before = wallet.status();

        // an attacker on the line passes the next request on and answers it with the first answer again
        IssuerLink replaying = new ForwardingLink(issuer) {
            @Override
            public TradeEnvelope exchange(TradeEnvelope request) {
                issuer.exchange(request);
                return first;
            }
        };
        DeviceException e = assertRefused(DeviceException.class, DeviceException.REPLAYED_RESPONSE, () -> wallet.send(replaying, new TradeRequest.BalanceInquiry()));
        assertEquals(Kind.CONFLICT, e.kind());
        assertEquals(before.lastIncoming(), wallet.status().lastIncoming());
        assertEquals(before.lastIncoming(), Wallet.open(dir, SERIAL).status().lastIncoming());
        // only the outgoing counter moved, because it was consumed before sending
        assertEquals(before.nextOutgoing() + 1, Wallet.open(dir, SERIAL).status().nextOutgoing());

        // and the wallet keeps working with fresh messages
        assertEquals(new TradeResponse.Balances(TestIssuer.BALANCES), wallet.send(link, new TradeRequest.BalanceInquiry()));
        assertEquals(3, wallet.status().lastIncoming());
    }

    @Test
    void alteredResponseDoesNotOpenAndChangesNothing() {
        Wallet wallet = registered(LayerOrder.SYMMETRIC_INSIDE);
        IssuerLink altering = new ForwardingLink(issuer) {
            @Override
            public TradeEnvelope exchange(TradeEnvelope request) {
                TradeEnvelope answer = issuer.exchange(request);
                byte[] body = answer.body().toByteArray();
                body[body.length - 1] ^= 1;
                return new TradeEnvelope(answer.deviceId(), answer.direction(), answer.counter(), answer.order(), Bytes.of(body));
            }
        };
        assertThrows(TradeException.class, () -> wallet.send(altering, new TradeRequest.BalanceInquiry()));
        assertEquals(0, Wallet.open(dir, SERIAL).status().lastIncoming());
    }

    /** Passes everything to an issuer; tests override one step. */
    static class ForwardingLink implements IssuerLink {
        final TestIssuer issuer;

        ForwardingLink(TestIssuer issuer) {
            this.issuer = issuer;
        }

        @Override
        public RegistrationInfo registrationInfo() {
            return issuer.registrationInfo();
        }

        @Override
        public RegistrationReceipt register(byte[] sealedRegistration) {
            return issuer.register(sealedRegistration);
        }

        @Override
        public TradeEnvelope exchange(TradeEnvelope request) {
            return issuer.exchange(request);
        }
    }

    /** Keeps every envelope that passes. */
    static final class RecordingLink extends ForwardingLink {
        final List<TradeEnvelope> requests = new ArrayList<>();
        final List<TradeEnvelope> answers = new ArrayList<>();

        RecordingLink(TestIssuer issuer) {
            super(issuer);
        }

        @Override
        public TradeEnvelope exchange(TradeEnvelope request) {
            requests.add(request);
            TradeEnvelope answer = issuer.exchange(request);
            answers.add(answer);
            return answer;
        }
    }
}
