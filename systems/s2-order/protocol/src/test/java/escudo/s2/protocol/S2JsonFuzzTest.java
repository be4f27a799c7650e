package escudo.s2.protocol;

import static escudo.s2.protocol.S2Messages.HOLDER;
import static escudo.s2.protocol.S2Messages.ISSUER;
import static escudo.s2.protocol.S2Messages.NOW;
import static escudo.s2.protocol.S2Messages.ORDER;
import static escudo.s2.protocol.S2Messages.SELLER;
import static escudo.s2.protocol.S2Messages.SELLER_SIGNING_KEY;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.WireTypes.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.Json;
import escudo.s2.api.Delivery;
import escudo.s2.api.OrderApi;
import escudo.s2.api.PaymentCard;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Item;
import escudo.s2.protocol.S2Messages.Exchange;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.testing.WireTypes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the JSON mapping of S2's wire bodies: the party channel's
 * messages, the directory registration, and the flow messages the channel carries. For any body
 * the record is read or refused with a typed exception, it writes and reads back as itself, a
 * channel request that the receiver accepts is the one the sender sealed, and a registration whose
 * proof verifies is the one its party signed.
 */
class S2JsonFuzzTest {

    private static final Exchange CHANNEL = Exchange.unreceived();
    private static final KeyDirectory.Entry SELLER_ENTRY = S2Messages.DIRECTORY.entry(SELLER);
    private static final Bytes PROOF = SELLER_ENTRY.prove(SELLER_SIGNING_KEY);
    private static final Item TEA = new Item("tea-green-100g", "Green tea, 100 g", 2, Money.of(1250, "EUR"));
    private static final Bytes BUNDLE = Bytes.of(ORDER.encode());

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(PartyChannel.Hello.class, new PartyChannel.Hello(SELLER, ISSUER, Bytes.of(new byte[32]))),
            wire(PartyChannel.Challenge.class, new PartyChannel.Challenge(Bytes.of(new byte[32]), Bytes.of(new byte[28]))),
            wire(PartyChannel.Request.class, CHANNEL.request(), request -> decodedOrRefused(() -> CHANNEL.receiver().receive(request))
                    .ifPresent(received -> assertEquals(CHANNEL.request(), request, "an altered channel request was accepted"))),
            wire(PartyChannel.Reply.class, new PartyChannel.Reply(Bytes.of(new byte[40]))),
            wire(OrderApi.Registration.class, new OrderApi.Registration(SELLER, SELLER_ENTRY.x25519PublicKey(),
                    SELLER_ENTRY.verifyingKey(), PROOF), registration -> decodedOrRefused(() -> {
                        KeyDirectory.Entry entry = new KeyDirectory.Entry(registration.id(), registration.x25519PublicKey(),
                                registration.verifyingKey());
                        entry.verifyProof(registration.proof());
                        return entry;
                    }).ifPresent(entry -> {
                        assertEquals(SELLER_ENTRY, entry, "a registration with altered keys verified");
                        assertEquals(PROOF, registration.proof());
                    })),
            wire(OrderApi.DirectoryEntry.class, OrderApi.DirectoryEntry.of(SELLER_ENTRY),
                    entry -> decodedOrRefused(entry::entry)),
            wire(OrderApi.IssuePaymentCard.class, new OrderApi.IssuePaymentCard("customer-1")),
            wire(OrderApi.Catalogue.class, new OrderApi.Catalogue(SELLER, List.of(TEA))),
            wire(OrderApi.Advance.class, new OrderApi.Advance(OrderMessage.DeliveryState.PICKED_UP)),
            wire(Basket.class, new Basket(List.of(new Basket.Line("tea-green-100g", 2)))),
            wire(OrderMessage.Offer.class, new OrderMessage.Offer("order-0001", SELLER, ISSUER, S2Messages.COURIER, List.of(TEA),
                    Money.of(2500, "EUR"), Map.of(Role.SELLER, List.of(SplitOrder.CONTACT, SplitOrder.ITEMS),
                    Role.COURIER, List.of(SplitOrder.DESTINATION)), NOW), offer -> decodedOrRefused(offer::splitForm)),
            wire(OrderMessage.Placement.class, new OrderMessage.Placement(BUNDLE),
                    placement -> decodedOrRefused(() -> SplitOrder.Sealed.decode(placement.bundle().toByteArray()))),
            wire(OrderMessage.StatusQuery.class, new OrderMessage.StatusQuery("order-0001")),
            wire(OrderMessage.OrderStatus.class, new OrderMessage.OrderStatus("order-0001", SELLER, HOLDER,
                    OrderMessage.OrderState.AUTHORISED, Money.of(2500, "EUR"), "auth-1", null, null, NOW)),
            wire(OrderMessage.AuthorisationRequest.class, new OrderMessage.AuthorisationRequest(BUNDLE, Money.of(2500, "EUR"))),
            wire(OrderMessage.Authorisation.class, new OrderMessage.Authorisation("order-0001", HOLDER, ORDER.digest(),
                    OrderMessage.Decision.DECLINED, null, null, OrderException.INSUFFICIENT_FUNDS.value(), "short by 1.00 EUR")),
            wire(OrderMessage.CaptureRequest.class, new OrderMessage.CaptureRequest("order-0001", HOLDER, "auth-1")),
            wire(OrderMessage.Capture.class, new OrderMessage.Capture("order-0001", HOLDER, "auth-1", Money.of(2500, "EUR"), NOW)),
            wire(OrderMessage.DeliveryRequest.class, new OrderMessage.DeliveryRequest(BUNDLE, "1 parcel, 2 kg")),
            wire(OrderMessage.DeliveryQuery.class, new OrderMessage.DeliveryQuery("track-1")),
            wire(OrderMessage.DeliveryReceipt.class, new OrderMessage.DeliveryReceipt("track-1", "order-0001", HOLDER,
                    OrderMessage.DeliveryState.ACCEPTED, NOW, null)),
            wire(Delivery.class, new Delivery("track-1", "order-0001", HOLDER, SELLER, "Ana", "Rua Augusta 1", "1 parcel",
                    OrderMessage.DeliveryState.DELIVERED, NOW, NOW, NOW)),
            wire(PaymentCard.class, new PaymentCard("4000000000000002", "12/30", "Ana", "customer-1", false))));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesEveryBodyAndOnlyTheSealedOneIsAccepted(byte[] input) {
        WIRES.readOrRefuse(input);
    }
}
