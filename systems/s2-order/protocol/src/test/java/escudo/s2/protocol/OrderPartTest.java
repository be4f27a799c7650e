package escudo.s2.protocol;

import static escudo.testing.Refusals.assertRefused;

import escudo.s2.testing.OrderParties;

import static escudo.s2.testing.OrderParties.COURIER;
import static escudo.s2.testing.OrderParties.ISSUER;
import static escudo.s2.testing.OrderParties.SELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.Basket.Line;
import escudo.s2.testing.OrderParties.Mode;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder.Form;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.testing.Edits;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each recipient gets its part typed, read once by the protocol: absent fields empty, bad ones refused. */
class OrderPartTest {

    static final OrderParties P = OrderParties.of(Mode.DIRECTORY);
    static final String CARD = "4111111111111111";

    /** The standard parts with the seller's, issuer's and courier's fields changed ({@code null} removes one). */
    static Sealed seal(Form form, Map<String, String> seller, Map<String, String> issuer, Map<String, String> courier) {
        List<Part> standard = SplitOrderTest.parts();
        return SplitOrder.seal(form, "order-1", P.holder(), List.of(
                Part.of(Role.SELLER, SELLER, changed(standard.get(0), seller)),
                Part.of(Role.ISSUER, ISSUER, changed(standard.get(1), issuer)),
                Part.of(Role.COURIER, COURIER, changed(standard.get(2), courier))));
    }

    static Sealed seal(Map<String, String> seller, Map<String, String> issuer, Map<String, String> courier) {
        return seal(Form.standard(), seller, issuer, courier);
    }

    private static Map<String, String> changed(Part part, Map<String, String> changes) {
        return Edits.edited(part.fields(), changes);
    }

    private static Map<String, String> without(String field) {
        Map<String, String> map = new HashMap<>();
        map.put(field, null);
        return map;
    }

    @Test
    void eachFieldIsReadByItsOwnRule() {
        Sealed bundle = seal(Map.of(SplitOrder.ITEMS, "2 x tea-green-100g; 1 x mug", SplitOrder.AMOUNT, "EUR 52.90"),
                Map.of(), Map.of());
        SellerPart seller = SplitOrder.open(bundle, SELLER, P.seller(), SellerPart.class).part();
        assertEquals(Optional.of(List.of(new Line("tea-green-100g", 2), new Line("mug", 1))), seller.items());
        assertEquals(Optional.of(Money.parse("52.90 EUR")), seller.amount());
        assertEquals(Optional.of("full"), seller.paymentType());
        // Written back in the canonical form: Money.toString, and the items as they were.
        assertEquals("52.90 EUR", seller.fields().get(SplitOrder.AMOUNT));
        assertEquals("2 x tea-green-100g; 1 x mug", seller.fields().get(SplitOrder.ITEMS));

        IssuerPart issuer = SplitOrder.open(bundle, ISSUER, P.issuer(), IssuerPart.class).part();
        assertEquals(Optional.of(CARD), issuer.cardNumber());
        assertEquals(Optional.of("12/30"), issuer.expiry());
        assertFalse(issuer.toString().contains(CARD) || issuer.toString().contains("12/30"), issuer.toString());
        assertTrue(issuer.toString().contains("****1111"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "0 x mug", "02 x mug", "2 x ", "2 x mug;", "2 x mug;1 x tea", "2 x mug; ", "2x mug",
            "2 x mug ; 1 x tea", "-1 x mug", "99999999999999999999 x mug"})
    void itemsThatDoNotReadAsLinesAreMalformed(String items) {
        Sealed bundle = seal(Map.of(SplitOrder.ITEMS, items.isEmpty() ? " " : items), Map.of(), Map.of());
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.open(bundle, SELLER, P.seller(), SellerPart.class));
    }

    @Test
    void theItemsTextReadsBackAsTheSameLines() {
        List<Line> lines = List.of(new Line("book #978-0", 2), new Line("a x b", 10));
        assertEquals("2 x book #978-0; 10 x a x b", SellerPart.itemsText(lines));
        assertEquals(lines, SellerPart.items(SellerPart.itemsText(lines)));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SellerPart.itemsText(List.of()));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SellerPart.itemsText(List.of(new Line("a;b", 1))));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SellerPart.itemsText(List.of(new Line(" mug", 1))));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SellerPart.itemsText(List.of(new Line("mug", 0))));
    }

    @Test
    void malformedFieldsAreRefusedWithoutEchoingTheirValue() {
        List<Sealed> bad = List.of(
                seal(Map.of(SplitOrder.AMOUNT, "a lot"), Map.of(), Map.of()),
                seal(Map.of(SplitOrder.CONTACT, "   "), Map.of(), Map.of()),
                seal(Map.of(SplitOrder.CONTACT, "c".repeat(OrderPart.MAX_TEXT + 1)), Map.of(), Map.of()));
        for (Sealed bundle : bad) {
            OrderException e = assertThrows(OrderException.class,
                    () -> SplitOrder.open(bundle, SELLER, P.seller(), SellerPart.class));
            assertEquals(OrderException.MALFORMED, e.code());
            assertFalse(e.getMessage().contains("a lot"));
        }
        for (String number : List.of("4111-1111-1111-1111", "4111 1111 1111 1111", "1234567", "41111111111111111111")) {
            Sealed bundle = seal(Map.of(), Map.of(SplitOrder.CARD_NUMBER, number), Map.of());
            OrderException e = assertThrows(OrderException.class,
                    () -> SplitOrder.open(bundle, ISSUER, P.issuer(), IssuerPart.class));
            assertEquals(OrderException.MALFORMED, e.code(), number);
            assertFalse(e.getMessage().contains(number));
        }
        for (String expiry : List.of("2030-12", "13/30", "00/30", "1/30", "12/2030")) {
            Sealed bundle = seal(Map.of(), Map.of(SplitOrder.EXPIRY, expiry), Map.of());
            assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.open(bundle, ISSUER, P.issuer(), IssuerPart.class));
        }
        Sealed longWay = seal(Map.of(), Map.of(), Map.of(SplitOrder.DESTINATION, "d".repeat(OrderPart.MAX_TEXT + 1)));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.open(longWay, COURIER, P.courier(), CourierPart.class));
        Sealed blank = seal(Map.of(), Map.of(), Map.of(SplitOrder.DESTINATION, " \t"));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.open(blank, COURIER, P.courier(), CourierPart.class));
        // The other parties of a bundle with one bad part still read theirs.
        assertEquals(Optional.of("full"), SplitOrder.open(bad.getFirst(), ISSUER, P.issuer(), IssuerPart.class).part().paymentType());
    }

    @Test
    void aFieldTheFormGaveButTheRoleDoesNotHaveIsNotAllowed() {
        Map<Role, SortedSet<String>> fields = new EnumMap<>(Form.standard().fields());
        SortedSet<String> seller = new TreeSet<>(fields.get(Role.SELLER));
        seller.add("note");
        fields.put(Role.SELLER, seller);
        Sealed bundle = seal(new Form(fields), Map.of("note", "leave at the door"), Map.of(), Map.of());
        OrderException e = assertThrows(OrderException.class, () -> SplitOrder.open(bundle, SELLER, P.seller(), SellerPart.class));
        assertEquals(OrderException.FIELD_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("'note'") && !e.getMessage().contains("door"));
    }

    @Test
    void aFieldTheFormDidNotGiveIsEmpty() {
        Sealed bundle = seal(without(SplitOrder.CONTACT), without(SplitOrder.EXPIRY), without(SplitOrder.CONTACT));
        assertEquals(Optional.empty(), SplitOrder.open(bundle, SELLER, P.seller(), SellerPart.class).part().contact());
        IssuerPart issuer = SplitOrder.open(bundle, ISSUER, P.issuer(), IssuerPart.class).part();
        assertEquals(Optional.empty(), issuer.expiry());
        assertFalse(issuer.fields().containsKey(SplitOrder.EXPIRY));
        assertTrue(issuer.toString().contains("expiry absent"));
        CourierPart courier = SplitOrder.open(bundle, COURIER, P.courier(), CourierPart.class).part();
        assertEquals(new CourierPart(Optional.empty(), Optional.of(SplitOrderTest.DEST)), courier);
    }

    @Test
    void aPartOfAnotherRoleIsNotOpened() {
        Sealed bundle = SplitOrderTest.seal(P, "order-1");
        for (Class<? extends OrderPart> other : List.of(IssuerPart.class, CourierPart.class)) {
            assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(bundle, SELLER, P.seller(), other));
        }
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(bundle, COURIER, P.courier(), SellerPart.class));
    }
}
