package escudo.s0.server.issuer;

import escudo.core.Bytes;
import escudo.s0.api.DeviceStatus;
import escudo.s0.api.DeviceView;
import escudo.bank.BankException;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.SecretBox;
import escudo.ledger.LedgerException;
import escudo.s0.protocol.Direction;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s0.protocol.TradeResponse.AccountBalance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Seed 000, claims 3-11: two-layer trade messages between registered devices and the centre. */
class TradeMessageTest {

    private final Centre centre = new Centre();
    private final TradeCenter center = centre.center;

    @AfterEach
    void close() {
        centre.close();
    }

    private static Money eur(String amount) {
        return Money.parse(amount + " EUR");
    }

    private void refused(ErrorCode code, Kind kind, Executable action) {
        Map<String, Object> before = centre.snapshot();
        assertRefused(code, kind, action);
        assertEquals(before, centre.snapshot(), "a refusal writes nothing");
    }

    private static TradeEnvelope withBody(TradeEnvelope e, byte[] body) {
        return new TradeEnvelope(e.deviceId(), e.direction(), e.counter(), e.order(), Bytes.of(body));
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void balanceInquiryOwnTransferAndPurchaseOrderInBothLayerOrders(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);

        TradeEnvelope answer = center.handle(phone.envelope(new TradeRequest.BalanceInquiry()));
        assertEquals(Direction.TO_DEVICE, answer.direction());
        assertEquals(1, answer.counter());
        assertEquals(order, answer.order());
        assertEquals(new TradeResponse.Balances(List.of(new AccountBalance("current", eur("200.00")), new AccountBalance("savings", eur("0.00")))),
                phone.read(answer));

        TradeRequest.OwnTransfer save = new TradeRequest.OwnTransfer("t-1", "current", "savings", eur("50.00"));
        TradeResponse.TransferDone done = assertInstanceOf(TradeResponse.TransferDone.class, centre.ask(phone, save));
        assertEquals(new TradeResponse.TransferDone("t-1", List.of(new AccountBalance("current", eur("150.00")),
                new AccountBalance("savings", eur("50.00")))), done);
        // the same transfer id in a new message moves nothing again
        assertEquals(done, centre.ask(phone, save));
        assertEquals(eur("150.00"), centre.issuer.customerBalance("alice"));

        TradeResponse paid = centre.ask(phone, new TradeRequest.PurchaseOrder("o-1", "shop", eur("30.00"), "two books"));
        assertEquals(new TradeResponse.OrderPaid("o-1", "shop", eur("30.00"), eur("120.00")), paid);
        assertEquals(paid, centre.ask(phone, new TradeRequest.PurchaseOrder("o-1", "shop", eur("30.00"), "two books")));
        assertEquals(eur("30.00"), centre.issuer.merchantBalance("shop"));
        assertNotNull(centre.issuer.ledger().findTransfer("order:" + phone.deviceId + ":o-1").orElse(null));
        assertNotNull(centre.issuer.ledger().findTransfer("own:" + phone.deviceId + ":t-1").orElse(null));

        TradeResponse back = centre.ask(phone, new TradeRequest.OwnTransfer("t-2", "savings", "current", eur("10.00")));
        assertEquals(List.of(new AccountBalance("current", eur("130.00")), new AccountBalance("savings", eur("40.00"))),
                ((TradeResponse.TransferDone) back).accounts());

        DeviceView view = center.device(phone.deviceId);
        assertEquals(6, view.lastCounterFromDevice());
        assertEquals(6, view.lastCounterToDevice());
        centre.assertBooksBalance();
    }

    @Test
    void theDeviceMayLeaveGapsInItsCountersButNeverGoBack() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        phone.counter = 40;
        centre.ask(phone, new TradeRequest.BalanceInquiry());
        assertEquals(41, center.device(phone.deviceId).lastCounterFromDevice());
        phone.counter = 10;
        TradeEnvelope old = phone.envelope(new TradeRequest.BalanceInquiry());
        assertRefused(TradeException.REPLAYED, Kind.CONFLICT, () -> center.handle(old));
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void aReplayedMessageIsRefusedAndMovesNothing(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);
        TradeEnvelope pay = phone.envelope(new TradeRequest.PurchaseOrder("o-1", "shop", eur("5.00"), "coffee"));
        center.handle(pay);
        DeviceView before = center.device(phone.deviceId);
        assertRefused(TradeException.REPLAYED, Kind.CONFLICT, () -> center.handle(pay));
        assertEquals(before, center.device(phone.deviceId));
        assertEquals(1, before.lastCounterFromDevice());
        assertEquals(eur("5.00"), centre.issuer.merchantBalance("shop"));
    }

    @Test
    void theSameMessageSentConcurrentlyIsAcceptedOnce() throws Exception {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        TradeEnvelope pay = phone.envelope(new TradeRequest.PurchaseOrder("o-1", "shop", eur("5.00"), "coffee"));
        int senders = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(senders)) {
            for (int i = 0; i < senders; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        center.handle(pay);
                        return "ok";
                    } catch (EscudoException e) {
                        return e.code().value();
                    }
                }));
            }
            start.countDown();
            List<String> codes = new java.util.ArrayList<>();
            for (var outcome : outcomes) {
                codes.add(outcome.get());
            }
            assertEquals(1, codes.stream().filter("ok"::equals).count(), codes.toString());
            assertEquals(senders - 1, codes.stream().filter(TradeException.REPLAYED.value()::equals).count(), codes.toString());
        }
        assertEquals(eur("5.00"), centre.issuer.merchantBalance("shop"));
        assertEquals(1, center.device(phone.deviceId).lastCounterToDevice());
        centre.assertBooksBalance();
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void aKeyPairCopiedToAnotherSerialCannotTrade(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);
        Centre.Phone copy = phone.copiedTo("another-machine");
        assertRefused(TradeException.SYMMETRIC_LAYER, Kind.UNAUTHENTICATED,
                () -> center.handle(copy.envelope(new TradeRequest.OwnTransfer("t-1", "current", "savings", eur("1.00")))));
        // nor can it read what the centre answers the real device
        TradeEnvelope answer = center.handle(phone.envelope(new TradeRequest.BalanceInquiry()));
        EscudoException e = assertThrows(EscudoException.class, () -> copy.read(answer));
        assertEquals(TradeException.SYMMETRIC_LAYER, e.code());
        phone.read(answer);
    }

    @Test
    void alteredCiphertextIsRefusedInTheAsymmetricInsideOrder() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.ASYMMETRIC_INSIDE);
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        for (int position : new int[] {0, 20, envelope.body().length() - 1}) {
            byte[] body = envelope.body().toByteArray();
            body[position] ^= 0x40;
            assertRefused(TradeException.SYMMETRIC_LAYER, Kind.UNAUTHENTICATED, () -> center.handle(withBody(envelope, body)));
        }
        center.handle(envelope); // the original still goes through
    }

    @Test
    void anAlteredSignatureOrContentIsRefusedInTheSymmetricInsideOrder() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        byte[] signature = envelope.body().toByteArray();
        signature[signature.length - 10] ^= 1; // the Ed25519 signature is the last 64 bytes
        assertRefused(TradeException.BAD_SIGNATURE, Kind.UNAUTHENTICATED, () -> center.handle(withBody(envelope, signature)));
        byte[] content = envelope.body().toByteArray();
        content[content.length - 64 - 10] ^= 1; // inside the symmetric layer the signature covers
        assertRefused(TradeException.BAD_SIGNATURE, Kind.UNAUTHENTICATED, () -> center.handle(withBody(envelope, content)));
        center.handle(envelope);
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void theClearHeaderIsBoundToBothLayers(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        ErrorCode code = order == LayerOrder.SYMMETRIC_INSIDE ? TradeException.BAD_SIGNATURE : TradeException.SYMMETRIC_LAYER;
        assertRefused(code, Kind.UNAUTHENTICATED, () -> center.handle(
                new TradeEnvelope(envelope.deviceId(), envelope.direction(), 99, envelope.order(), envelope.body())));
        LayerOrder other = order == LayerOrder.SYMMETRIC_INSIDE ? LayerOrder.ASYMMETRIC_INSIDE : LayerOrder.SYMMETRIC_INSIDE;
        assertRefused(TradeException.WRONG_ORDER, Kind.INVALID, () -> center.handle(
                new TradeEnvelope(envelope.deviceId(), envelope.direction(), envelope.counter(), other, envelope.body())));
        assertRefused(TradeException.WRONG_DIRECTION, Kind.INVALID, () -> center.handle(
                new TradeEnvelope(envelope.deviceId(), Direction.TO_DEVICE, envelope.counter(), order, envelope.body())));
        center.handle(envelope);
    }

    @Test
    void aMessageOfOneDeviceIsNotAcceptedForAnother() {
        Centre.Phone alices = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        Centre.Phone bobs = centre.phone("bob", LayerOrder.SYMMETRIC_INSIDE);
        TradeEnvelope envelope = alices.envelope(new TradeRequest.OwnTransfer("t-1", "current", "savings", eur("1.00")));
        assertRefused(TradeException.WRONG_DEVICE, Kind.INVALID, () -> center.handle(bobs.deviceId, envelope));
        assertRefused(TradeException.BAD_SIGNATURE, Kind.UNAUTHENTICATED, () -> center.handle(
                new TradeEnvelope(bobs.deviceId, envelope.direction(), envelope.counter(), envelope.order(), envelope.body())));
        center.handle(alices.deviceId, envelope);
    }

    @Test
    void anUnknownDeviceIsNotFound() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        assertRefused(TradeCenterException.UNKNOWN_DEVICE, Kind.NOT_FOUND, () -> center.handle(
                new TradeEnvelope("dev-0000000000000000", envelope.direction(), envelope.counter(), envelope.order(), envelope.body())));
        assertRefused(TradeCenterException.UNKNOWN_DEVICE, Kind.NOT_FOUND, () -> center.revoke("dev-0000000000000000"));
        assertRefused(TradeCenterException.UNKNOWN_DEVICE, Kind.NOT_FOUND, () -> center.device("dev-0000000000000000"));
    }

    @Test
    void aRevokedDeviceCanNoLongerTrade() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.ASYMMETRIC_INSIDE);
        centre.ask(phone, new TradeRequest.BalanceInquiry());
        TradeEnvelope pending = phone.envelope(new TradeRequest.PurchaseOrder("o-1", "shop", eur("5.00"), "coffee"));
        DeviceView revoked = center.revoke(phone.deviceId);
        assertEquals(DeviceStatus.REVOKED, revoked.status());
        assertNotNull(revoked.revokedAt());
        assertEquals(revoked, center.revoke(phone.deviceId), "revoking again changes nothing");
        assertEquals(List.of(revoked), center.devices("alice"));
        assertRefused(TradeCenterException.DEVICE_REVOKED, Kind.REFUSED, () -> center.handle(pending));
        assertEquals(eur("0.00"), centre.issuer.merchantBalance("shop"));
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void aMalformedBodyOrPayloadIsRefused(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);
        TradeEnvelope envelope = phone.envelope(new TradeRequest.BalanceInquiry());
        ErrorCode code = order == LayerOrder.SYMMETRIC_INSIDE ? TradeException.BAD_SIGNATURE : TradeException.SYMMETRIC_LAYER;
        assertRefused(code, Kind.UNAUTHENTICATED, () -> center.handle(withBody(envelope, new byte[] {1, 2, 3})));
        assertRefused(code, Kind.UNAUTHENTICATED, () -> center.handle(withBody(envelope, Centre.random(500))));
        // authentic layers around something that is not a trade request
        TradeEnvelope junk = phone.end.seal(++phone.counter, "not a request".getBytes());
        assertRefused(TradeException.MALFORMED, Kind.INVALID, () -> center.handle(junk));
        assertRefused(TradeException.MALFORMED, Kind.INVALID, () -> center.handle(null));
        assertEquals(0, center.device(phone.deviceId).lastCounterFromDevice());
    }

    @ParameterizedTest
    @EnumSource(LayerOrder.class)
    void businessRefusalsAreSealedAnswersThatMoveNoMoneyButSpendTheCounter(LayerOrder order) {
        Centre.Phone phone = centre.phone("alice", order);
        Map<String, Object> before = balancesOnly();

        assertRefusal(BankException.INSUFFICIENT_FUNDS, centre.ask(phone, new TradeRequest.PurchaseOrder("o-1", "shop", eur("200.01"), "car")));
        assertRefusal(BankException.INSUFFICIENT_FUNDS, centre.ask(phone, new TradeRequest.OwnTransfer("t-1", "savings", "current", eur("0.01"))));
        assertRefusal(BankException.UNKNOWN_MERCHANT, centre.ask(phone, new TradeRequest.PurchaseOrder("o-2", "nowhere", eur("1.00"), "")));
        assertRefusal(TradeCenterException.UNKNOWN_ACCOUNT, centre.ask(phone, new TradeRequest.OwnTransfer("t-2", "current", "customer:bob", eur("1.00"))));
        assertRefusal(LedgerException.SAME_ACCOUNT, centre.ask(phone, new TradeRequest.OwnTransfer("t-3", "current", "current", eur("1.00"))));
        assertRefusal(LedgerException.CURRENCY_MISMATCH, centre.ask(phone, new TradeRequest.OwnTransfer("t-4", "current", "savings", Money.parse("1.00 USD"))));
        centre.ask(phone, new TradeRequest.PurchaseOrder("o-3", "shop", eur("2.00"), ""));
        assertRefusal(LedgerException.TRANSFER_CONFLICT, centre.ask(phone, new TradeRequest.PurchaseOrder("o-3", "shop", eur("3.00"), "")));

        before.put("account customer:alice", eur("198.00"));
        before.put("account merchant:shop", eur("2.00"));
        assertEquals(before, balancesOnly());
        assertEquals(8, center.device(phone.deviceId).lastCounterFromDevice(), "an authentic refused request still spends its counter");
        assertEquals(8, center.device(phone.deviceId).lastCounterToDevice());
        centre.assertBooksBalance();
    }

    @Test
    void withoutTheNodesStorageKeyTheDeviceSecretsDoNotOpen() {
        Centre.Phone phone = centre.phone("alice", LayerOrder.SYMMETRIC_INSIDE);
        TradeCenter otherNode = new TradeCenter(centre.issuer, centre.db, centre.bankKey, centre.registrationKey,
                SecretBox.derive(Centre.random(32), null, "test/devices"), centre.clock);
        assertRefused(TradeCenterException.SECRETS_UNREADABLE, Kind.INTERNAL, () -> otherNode.handle(phone.envelope(new TradeRequest.BalanceInquiry())));
    }

    private Map<String, Object> balancesOnly() {
        Map<String, Object> state = centre.snapshot();
        state.keySet().removeIf(k -> !k.startsWith("account "));
        return state;
    }

    /** The trade channel answered a refusal (a wire message, not an exception) with {@code code}. */
    private static void assertRefusal(ErrorCode code, TradeResponse response) {
        TradeResponse.Refused refused = assertInstanceOf(TradeResponse.Refused.class, response);
        assertEquals(code.value(), refused.code(), refused.message());
    }
}
