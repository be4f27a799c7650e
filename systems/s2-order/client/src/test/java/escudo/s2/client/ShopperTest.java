package escudo.s2.client;

import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.SplitOrder;
import static escudo.s2.testing.OrderParties.COURIER;
import static escudo.s2.testing.OrderParties.HOLDER;
import static escudo.s2.testing.OrderParties.ISSUER;
import static escudo.s2.testing.OrderParties.SELLER;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.Item;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.Basket.Line;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder.Opened;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.protocol.SplitOrder.SealedPart;
import escudo.s2.testing.OrderParties.Mode;
import escudo.s2.testing.OrderParties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShopperTest {

    static final String CONTACT = "Alice Silva, +351 21 000 0000";
    static final String CARD = "4111111111111111";
    static final String EXPIRY = "12/30";
    static final String DEST = "Rua das Flores 12, 1200-192 Lisboa";
    static final Shopper.Details DETAILS = new Shopper.Details(CONTACT, CARD, EXPIRY, DEST);
    static final List<Item> ITEMS = List.of(
            new Item("978-0", "A book", 2, Money.of(1_250, "EUR")),
            new Item("mug-1", "A mug", 1, Money.of(899, "EUR")));
    static final Money AMOUNT = Money.of(3_399, "EUR");

    static Map<Role, List<String>> standardForm() {
        Map<Role, List<String>> form = new EnumMap<>(Role.class);
        SplitOrder.Form.standard().fields().forEach((role, names) -> form.put(role, List.copyOf(names)));
        return form;
    }

    static Offer offer(String orderId, String seller, String issuer, String courier, Map<Role, List<String>> form) {
        return new Offer(orderId, seller, issuer, courier, ITEMS, AMOUNT, form, Instant.parse("2030-01-01T12:10:00Z"));
    }

    static Offer offer(String orderId) {
        return offer(orderId, SELLER, ISSUER, COURIER, standardForm());
    }


    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachPartyOpensExactlyTheFieldsItsFormNames(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Shopper shopper = new Shopper(p.holder(), ISSUER);
        assertEquals(HOLDER, shopper.holderId());
        Sealed bundle = Sealed.decode(shopper.seal(offer("order-7"), DETAILS).encode());

        Opened<SellerPart> seller = SplitOrder.open(bundle, SELLER, p.seller(), SellerPart.class);
        Opened<IssuerPart> issuer = SplitOrder.open(bundle, ISSUER, p.issuer(), IssuerPart.class);
        Opened<CourierPart> courier = SplitOrder.open(bundle, COURIER, p.courier(), CourierPart.class);
        String amount = AMOUNT.toString();
        assertEquals(Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, "2 x 978-0; 1 x mug-1",
                SplitOrder.AMOUNT, amount, SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT), seller.part().fields());
        assertEquals(Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.EXPIRY, EXPIRY, SplitOrder.CONTACT, CONTACT,
                SplitOrder.AMOUNT, amount, SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT), issuer.part().fields());
        assertEquals(Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DEST), courier.part().fields());
        assertEquals(Optional.of(AMOUNT), seller.part().amount());
        assertEquals(Optional.of(AMOUNT), issuer.part().amount());
        assertEquals(Optional.of(List.of(new Line("978-0", 2), new Line("mug-1", 1))), seller.part().items());

        // The privacy rule of S2, spelled out field by field and value by value.
        for (String hidden : List.of(SplitOrder.CARD_NUMBER, SplitOrder.EXPIRY, SplitOrder.DESTINATION)) {
            assertFalse(seller.part().fields().containsKey(hidden), "seller gets " + hidden);
        }
        assertFalse(issuer.part().fields().containsKey(SplitOrder.DESTINATION));
        assertFalse(courier.part().fields().containsKey(SplitOrder.CARD_NUMBER));
        assertFalse(courier.part().fields().containsKey(SplitOrder.EXPIRY));
        assertFalse(seller.part().fields().values().stream().anyMatch(v -> v.contains(CARD) || v.contains(DEST)));
        assertFalse(issuer.part().fields().values().stream().anyMatch(v -> v.contains(DEST)));
        assertFalse(courier.part().fields().values().stream().anyMatch(v -> v.contains(CARD) || v.contains(EXPIRY)));
        for (Opened<?> opened : List.of(seller, issuer, courier)) {
            assertEquals("order-7", opened.orderId());
            assertEquals(HOLDER, opened.holderId());
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aNarrowerFormGivesEachPartyOnlyWhatItNames(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Map<Role, List<String>> form = new EnumMap<>(Role.class);
        form.put(Role.SELLER, List.of(SplitOrder.ITEMS, SplitOrder.AMOUNT));
        form.put(Role.ISSUER, List.of(SplitOrder.CARD_NUMBER, SplitOrder.EXPIRY, SplitOrder.AMOUNT));
        form.put(Role.COURIER, List.of(SplitOrder.DESTINATION));
        Sealed bundle = new Shopper(p.holder(), ISSUER).seal(offer("order-8", SELLER, ISSUER, COURIER, form), DETAILS);

        // What the form leaves out is absent from the typed part, not an empty or default value.
        SellerPart seller = SplitOrder.open(bundle, SELLER, p.seller(), SellerPart.class).part();
        assertEquals(Set.of(SplitOrder.ITEMS, SplitOrder.AMOUNT), seller.fields().keySet());
        assertEquals(Optional.empty(), seller.contact());
        assertEquals(Optional.empty(), seller.paymentType());
        assertEquals(Optional.of(AMOUNT), seller.amount());
        IssuerPart issuer = SplitOrder.open(bundle, ISSUER, p.issuer(), IssuerPart.class).part();
        assertEquals(Set.of(SplitOrder.CARD_NUMBER, SplitOrder.EXPIRY, SplitOrder.AMOUNT), issuer.fields().keySet());
        assertEquals(Optional.empty(), issuer.contact());
        assertEquals(new CourierPart(Optional.empty(), Optional.of(DEST)),
                SplitOrder.open(bundle, COURIER, p.courier(), CourierPart.class).part());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void thePartsAreAddressedToTheOffersParties(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed bundle = new Shopper(p.holder(), ISSUER).seal(offer("order-9"), DETAILS);

        assertEquals("order-9", bundle.orderId());
        assertEquals(HOLDER, bundle.holderId());
        Map<Role, String> addressed = new EnumMap<>(Role.class);
        for (SealedPart part : bundle.parts()) {
            addressed.put(part.role(), part.recipient());
        }
        assertEquals(Map.of(Role.SELLER, SELLER, Role.ISSUER, ISSUER, Role.COURIER, COURIER), addressed);
        assertEquals(3, bundle.parts().size());
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(bundle, "mallory", p.mallory(), SellerPart.class));

        // Another courier in the offer: the part goes to that party, and the usual courier has none.
        Sealed other = new Shopper(p.holder(), ISSUER).seal(offer("order-10", SELLER, ISSUER, "mallory", standardForm()), DETAILS);
        assertEquals("mallory", other.partFor("mallory").recipient());
        assertEquals(Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DEST),
                SplitOrder.open(other, "mallory", p.mallory(), CourierPart.class).part().fields());
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(other, COURIER, p.courier(), CourierPart.class));
    }

    @Test
    void anOfferThatSendsTheCardToAnotherIssuerThanTheCardsIsRefusedBeforeSealing() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        // a seller naming a party of its own as "issuer" would read the card number: the holder refuses
        Offer rogue = offer("order-12", SELLER, "mallory", COURIER, standardForm());
        OrderException e = assertThrows(OrderException.class, () -> new Shopper(p.holder(), ISSUER).seal(rogue, DETAILS));
        assertEquals(OrderException.WRONG_RECIPIENT, e.code());
        assertFalse(e.getMessage().contains(DETAILS.cardNumber()));
    }

    @Test
    void anOfferWhoseAmountIsNotItsItemsTotalIsRefused() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        Offer honest = offer("order-13");
        Offer inflated = new Offer(honest.orderId(), SELLER, ISSUER, COURIER, honest.items(), AMOUNT.plus(Money.of(1, "EUR")),
                honest.form(), honest.expiresAt());
        OrderException e = assertThrows(OrderException.class, () -> new Shopper(p.holder(), ISSUER).seal(inflated, DETAILS));
        assertEquals(OrderException.AMOUNT_MISMATCH, e.code());
    }

    @Test
    void theBundleCarriesNoDetailInTheClear() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        byte[] encoded = new Shopper(p.holder(), ISSUER).seal(offer("order-11"), DETAILS).encode();
        String hex = HexFormat.of().formatHex(encoded);
        for (String secret : List.of(CONTACT, CARD, EXPIRY, DEST)) {
            assertFalse(hex.contains(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))), secret);
        }
    }

    @Test
    void aFormThatBreaksThePrivacyRuleOrAsksForUnknownDataIsRefused() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        Shopper shopper = new Shopper(p.holder(), ISSUER);

        Map<Role, List<String>> cardToSeller = standardForm();
        cardToSeller.put(Role.SELLER, List.of(SplitOrder.ITEMS, SplitOrder.AMOUNT, SplitOrder.CARD_NUMBER));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> shopper.seal(offer("o-1", SELLER, ISSUER, COURIER, cardToSeller), DETAILS));

        Map<Role, List<String>> expiryToCourier = standardForm();
        expiryToCourier.put(Role.COURIER, List.of(SplitOrder.DESTINATION, SplitOrder.EXPIRY));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> shopper.seal(offer("o-2", SELLER, ISSUER, COURIER, expiryToCourier), DETAILS));

        Map<Role, List<String>> destinationToIssuer = standardForm();
        destinationToIssuer.put(Role.ISSUER, List.of(SplitOrder.CARD_NUMBER, SplitOrder.DESTINATION));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> shopper.seal(offer("o-3", SELLER, ISSUER, COURIER, destinationToIssuer), DETAILS));

        Map<Role, List<String>> unknownField = standardForm();
        unknownField.put(Role.SELLER, List.of(SplitOrder.ITEMS, "date-of-birth"));
        OrderException e = assertThrows(OrderException.class,
                () -> shopper.seal(offer("o-4", SELLER, ISSUER, COURIER, unknownField), DETAILS));
        assertEquals(OrderException.MALFORMED, e.code());
        for (String secret : List.of(CONTACT, CARD, EXPIRY, DEST)) {
            assertFalse(e.getMessage().contains(secret));
        }
    }

    @Test
    void anOfferWhosePartiesOverlapOrAreUnknownIsRefused() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        Shopper shopper = new Shopper(p.holder(), ISSUER);
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> shopper.seal(offer("o-5", SELLER, ISSUER, SELLER, standardForm()), DETAILS));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> shopper.seal(offer("o-6", SELLER, ISSUER, HOLDER, standardForm()), DETAILS));
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY,
                () -> shopper.seal(offer("o-7", SELLER, ISSUER, "nobody.example", standardForm()), DETAILS));
    }

    @Test
    void detailsHideTheirValues() {
        String text = DETAILS.toString();
        for (String secret : List.of(CONTACT, CARD, EXPIRY, DEST, "4111", "Flores")) {
            assertFalse(text.contains(secret), text);
        }
        assertThrows(NullPointerException.class, () -> new Shopper.Details(CONTACT, null, EXPIRY, DEST));
        assertThrows(NullPointerException.class, () -> new Shopper.Details(CONTACT, CARD, EXPIRY, null));
        assertThrows(NullPointerException.class, () -> new Shopper(null, ISSUER));
    }
}
