package escudo.s0.server.issuer;

import escudo.s0.api.DeviceStatus;
import escudo.s0.api.DeviceView;
import escudo.s0.api.RegistrationInfo;
import escudo.bank.BankException;
import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.crypto.X25519;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.ledger.AccountKind;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeException;
import escudo.storage.Tx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seed 000, steps 611-613: enrolment at the desk and device registration, bad paths included. */
class RegistrationTest {

    private final Centre centre = new Centre();
    private final TradeCenter center = centre.center;
    private final RegistrationInfo info = center.registrationInfo();

    @AfterEach
    void close() {
        centre.close();
    }

    private void refused(ErrorCode code, Kind kind, Executable action) {
        Map<String, Object> before = centre.snapshot();
        assertRefused(code, kind, action);
        assertEquals(before, centre.snapshot(), "a refusal writes nothing");
    }

    @Test
    void registrationInfoPublishesTheIssuerIdAndBothKeys() {
        assertEquals("test-bank", info.issuerId());
        assertEquals(Bytes.of(centre.registrationKey.publicKey()), info.registrationKey());
        assertEquals(centre.bankKey.verifyingKey(), info.issuerKey());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void aRegisteredDeviceIsRecordedWithItsKeysAndASavingsAccountIsOpened(LayerOrder order) {
        Centre.Phone phone = new Centre.Phone(order, "SER-" + order);
        Enrolment enrolment = center.issueEnrolment("alice");
        assertEquals(TradeCenter.CODE_LENGTH, enrolment.code().length());
        assertTrue(enrolment.code().chars().allMatch(c -> TradeCenter.CODE_ALPHABET.indexOf(c) >= 0));
        assertEquals(centre.clock.instant().plus(TradeCenter.ENROLMENT_VALIDITY).getEpochSecond(), enrolment.expiresAt().getEpochSecond());
        assertFalse(enrolment.toString().contains(enrolment.code()), "the code is never printed");

        RegistrationReceipt receipt = center.register(phone.registration(info, "alice", enrolment.code()));
        assertTrue(receipt.deviceId().matches("dev-[0-9a-f]{16}"), receipt.deviceId());
        assertEquals(order, receipt.order());
        assertEquals(phone.key.verifyingKey(), receipt.deviceKey());
        phone.registered(receipt, info); // the device checks the bank's signature and opens its secret
        assertEquals(32, phone.secret.length);

        DeviceView view = center.device(receipt.deviceId());
        assertEquals("alice", view.customerId());
        assertEquals(order, view.order());
        assertEquals(DeviceStatus.ACTIVE, view.status());
        assertEquals(0, view.lastCounterFromDevice());
        assertEquals(0, view.lastCounterToDevice());
        assertNull(view.revokedAt());
        assertEquals("phone of alice", view.label());
        assertEquals(List.of(view), center.devices("alice"));
        assertEquals(Money.parse("0.00 EUR"), centre.issuer.ledger().balance("customer:alice:savings"));
        assertEquals(AccountKind.SAVINGS, centre.issuer.ledger().account("customer:alice:savings").kind());
        centre.assertBooksBalance();
    }

    @Test
    void theSerialAndTheSecretAreStoredOnlySealed() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        String stored = centre.db.inTransaction(tx -> tx.queryOne("SELECT sealed_secrets FROM issuer_device WHERE device_id = ?",
                r -> r.getString(1), phone.deviceId).orElseThrow());
        assertFalse(stored.contains(phone.serial));
        assertFalse(stored.contains(java.util.Base64.getEncoder().encodeToString(phone.secret).substring(0, 20)));
        String codes = centre.db.inTransaction(tx -> tx.query("SELECT code_hash FROM issuer_enrolment", r -> r.getString(1)).toString());
        assertTrue(codes.matches("\\[[0-9a-f]{64}]"), "only the SHA-256 of a code is kept");
    }

    @Test
    void aSecondDeviceOfTheSameCustomerKeepsTheSavingsAccount() {
        Centre.Phone first = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        Centre.Phone second = centre.phone("alice", LayerOrder.ASYMMETRIC_INSIDE);
        assertEquals(List.of(first.deviceId, second.deviceId).stream().sorted().toList(),
                center.devices("alice").stream().map(DeviceView::deviceId).sorted().toList());
        assertEquals(List.of(), center.devices("bob"));
    }

    @Test
    void theCodeIsReadWithoutCaseSpacesOrDashes() {
        String code = center.issueEnrolment("alice").code();
        String typed = code.substring(0, 5).toLowerCase() + "-" + code.substring(5).toLowerCase() + " ";
        Centre.Phone phone = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        phone.registered(center.register(phone.registration(info, "alice", typed)), info);
    }

    @Test
    void aWrongCodeIsRefusedAndTheRightOneStillWorksAfterwards() {
        String code = center.issueEnrolment("alice").code();
        Centre.Phone phone = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        String wrong = (code.charAt(0) == 'A' ? "B" : "A") + code.substring(1);
        assertRefused(TradeCenterException.BAD_ENROLMENT, Kind.UNAUTHENTICATED,
                () -> center.register(phone.registration(info, "alice", wrong)));
        phone.registered(center.register(phone.registration(info, "alice", code)), info);
    }

    @Test
    void aCodeIsGoodOnlyOnce() {
        String code = center.issueEnrolment("alice").code();
        Centre.Phone first = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        first.registered(center.register(first.registration(info, "alice", code)), info);
        Centre.Phone second = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-2");
        assertRefused(TradeCenterException.BAD_ENROLMENT, Kind.UNAUTHENTICATED,
                () -> center.register(second.registration(info, "alice", code)));
        assertEquals(1, centre.count("SELECT COUNT(*) FROM issuer_enrolment WHERE device_id = ?", first.deviceId));
    }

    @Test
    void anExpiredCodeIsRefused() {
        String code = center.issueEnrolment("alice").code();
        centre.clock.advance(TradeCenter.ENROLMENT_VALIDITY.plus(Duration.ofSeconds(1)));
        Centre.Phone phone = new Centre.Phone(LayerOrder.ASYMMETRIC_INSIDE, "SER-1");
        assertRefused(TradeCenterException.BAD_ENROLMENT, Kind.UNAUTHENTICATED,
                () -> center.register(phone.registration(info, "alice", code)));
    }

    @Test
    void aCodeIsOnlyForTheCustomerItWasGivenTo() {
        String alicesCode = center.issueEnrolment("alice").code();
        Centre.Phone phone = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        assertRefused(TradeCenterException.BAD_ENROLMENT, Kind.UNAUTHENTICATED,
                () -> center.register(phone.registration(info, "bob", alicesCode)));
    }

    @Test
    void aRegistrationForAnUnknownCustomerIsABadEnrolmentAndTellsNothingMore() {
        String code = center.issueEnrolment("alice").code();
        Centre.Phone phone = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        assertRefused(TradeCenterException.BAD_ENROLMENT, Kind.UNAUTHENTICATED,
                () -> center.register(phone.registration(info, "mallory", code)));
    }

    @Test
    void theDeskGivesCodesOnlyToCustomers() {
        assertRefused(BankException.UNKNOWN_CUSTOMER, Kind.NOT_FOUND, () -> center.issueEnrolment("mallory"));
        assertRefused(BankException.UNKNOWN_CUSTOMER, Kind.NOT_FOUND, () -> center.devices("mallory"));
    }

    @Test
    void aRegistrationSealedToAnotherKeyOrGarbledDoesNotOpen() {
        String code = center.issueEnrolment("alice").code();
        Centre.Phone phone = new Centre.Phone(LayerOrder.SYMMETRIC_INSIDE, "SER-1");
        RegistrationInfo impostor = new RegistrationInfo("test-bank", Bytes.of(Hpke.Recipient.generate().publicKey()), info.issuerKey());
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED, () -> center.register(phone.registration(impostor, "alice", code)));
        RegistrationInfo otherBank = new RegistrationInfo("other-bank", info.registrationKey(), info.issuerKey());
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED, () -> center.register(phone.registration(otherBank, "alice", code)));
        byte[] sealed = phone.registration(info, "alice", code);
        sealed[sealed.length - 1] ^= 1;
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED, () -> center.register(sealed));
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED, () -> center.register(Centre.random(100)));
        assertRefused(TradeException.SEALED_LAYER, Kind.UNAUTHENTICATED, () -> center.register(new byte[64])); // a low-order X25519 point
        assertRefused(TradeException.MALFORMED, Kind.INVALID, () -> center.register(new byte[0]));
        assertRefused(TradeException.MALFORMED, Kind.INVALID, () -> center.register(null));
    }

    @Test
    void aDeviceKeyIsRegisteredOnlyOnce() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        String code = center.issueEnrolment("alice").code();
        Centre.Phone again = new Centre.Phone(phone.key, phone.seal, "OTHER-SERIAL", LayerOrder.SYMMETRIC_INSIDE);
        assertRefused(TradeCenterException.KEY_REGISTERED, Kind.CONFLICT, () -> center.register(again.registration(info, "alice", code)));
    }

    @Test
    void theCentreSignsWithTheIssuersKeyOnly() {
        assertThrows(IllegalArgumentException.class, () -> new TradeCenter(centre.issuer, centre.db, escudo.crypto.SigningKey.generate(),
                centre.registrationKey, escudo.crypto.SecretBox.derive(Centre.random(32), null, "x"), centre.clock));
    }
}
