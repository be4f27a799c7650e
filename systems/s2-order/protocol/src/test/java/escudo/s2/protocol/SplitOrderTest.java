package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.s2.testing.OrderParties;
import static escudo.s2.testing.OrderParties.COURIER;
import static escudo.s2.testing.OrderParties.HOLDER;
import static escudo.s2.testing.OrderParties.ISSUER;
import static escudo.s2.testing.OrderParties.SELLER;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.Money;
import escudo.s2.testing.OrderParties.Mode;
import escudo.s2.protocol.OrderMessage.Basket.Line;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder.Form;
import escudo.s2.protocol.SplitOrder.Opened;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.protocol.SplitOrder.SealedPart;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SplitOrderTest {

    static final String CARD = "4111111111111111";
    static final String DEST = "Rua das Flores 12, Lisboa";

    static List<Part> parts() {
        String amount = Money.of(4_999, "EUR").toString();
        return List.of(
                Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, "Alice, +351 21 000 0000",
                        SplitOrder.ITEMS, "2 x book #978-0", SplitOrder.AMOUNT, amount, SplitOrder.PAYMENT_TYPE, "full")),
                Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.CARD_NUMBER, CARD, SplitOrder.EXPIRY, "12/30",
                        SplitOrder.CONTACT, "Alice, +351 21 000 0000", SplitOrder.AMOUNT, amount, SplitOrder.PAYMENT_TYPE, "full")),
                Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, "Alice, +351 21 000 0000", SplitOrder.DESTINATION, DEST)));
    }

    static Sealed seal(OrderParties p, String orderId) {
        return SplitOrder.seal(Form.standard(), orderId, p.holder(), parts());
    }


    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachPartyOpensItsOwnPartAndSeesOnlyItsFields(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed bundle = Sealed.decode(seal(p, "order-1").encode());

        Opened<SellerPart> seller = SplitOrder.open(bundle, SELLER, p.seller(), SellerPart.class);
        Opened<IssuerPart> issuer = SplitOrder.open(bundle, ISSUER, p.issuer(), IssuerPart.class);
        Opened<CourierPart> courier = SplitOrder.open(bundle, COURIER, p.courier(), CourierPart.class);
        // Typed, and written back, each part is exactly the fields that were sealed.
        assertEquals(parts().get(0).fields(), seller.part().fields());
        assertEquals(parts().get(1).fields(), issuer.part().fields());
        assertEquals(parts().get(2).fields(), courier.part().fields());
        assertEquals(Optional.of(Money.of(4_999, "EUR")), issuer.part().amount());
        assertEquals(new Opened<>("order-1", HOLDER, SELLER, new SellerPart(Optional.of("Alice, +351 21 000 0000"),
                Optional.of(List.of(new Line("book #978-0", 2))), Optional.of(Money.of(4_999, "EUR")), Optional.of("full"))), seller);
        assertEquals(Role.SELLER, seller.role());

        assertFalse(seller.toString().contains(CARD) || seller.toString().contains(DEST));
        assertFalse(issuer.toString().contains(DEST));
        assertFalse(courier.toString().contains(CARD));
        assertEquals(Optional.of(CARD), issuer.part().cardNumber());
        assertEquals(Optional.of(DEST), courier.part().destination());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void nobodyOpensAnotherPartysPart(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed bundle = seal(p, "order-1");
        // The seller has no part addressed to... the issuer's name with its own keys.
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(bundle, ISSUER, p.seller(), IssuerPart.class));
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(bundle, "mallory", p.mallory(), SellerPart.class));
        // The seller re-addresses the issuer's part to itself (and fixes the digest): as a seller it
        // does not open an issuer's part, and trying to read it as one, its key does not open it.
        Sealed relabelled = rebuild(bundle, swapRecipients(bundle.parts(), SELLER, ISSUER), true);
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(relabelled, SELLER, p.seller(), SellerPart.class));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(relabelled, SELLER, p.seller(), IssuerPart.class));
        // Without fixing the digest, the binding check refuses first.
        Sealed lazy = rebuild(bundle, swapRecipients(bundle.parts(), SELLER, ISSUER), false);
        assertRefused(OrderException.class, OrderException.BINDING_MISMATCH, () -> SplitOrder.open(lazy, SELLER, p.seller(), IssuerPart.class));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPartMovedIntoAnotherOrderIsRefused(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed first = seal(p, "order-1");
        Sealed second = seal(p, "order-2");
        // The issuer part of order 1 replaces that of order 2, commitment and all, digest recomputed.
        List<SealedPart> mixed = new ArrayList<>(second.parts());
        mixed.set(1, first.parts().get(1));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(rebuild(second, mixed, true), ISSUER, p.issuer(), IssuerPart.class));
        // Same with the order id of the first order: the other parts then belong elsewhere.
        Sealed sameId = new Sealed("order-1", HOLDER, mixed, SplitOrder.digest("order-1", HOLDER, mixed));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(sameId, SELLER, p.seller(), SellerPart.class));
        // Renaming the order alone.
        Sealed renamed = new Sealed("order-9", HOLDER, first.parts(), SplitOrder.digest("order-9", HOLDER, first.parts()));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(renamed, ISSUER, p.issuer(), IssuerPart.class));
        // Keeping the old digest: binding mismatch.
        assertRefused(OrderException.class, OrderException.BINDING_MISMATCH, () -> SplitOrder.open(rebuild(second, mixed, false), ISSUER, p.issuer(), IssuerPart.class));
        assertRefused(OrderException.class, OrderException.BINDING_MISMATCH,
                () -> SplitOrder.open(new Sealed("order-2", HOLDER, second.parts(), first.digest()), SELLER, p.seller(), SellerPart.class));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPartReAddressedToAnotherPartyIsRefused(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed bundle = seal(p, "order-1");
        // The courier part re-addressed to the seller role and party (digest fixed): the courier no longer finds
        // a part, the seller cannot open it.
        List<SealedPart> parts = new ArrayList<>(bundle.parts());
        SealedPart courier = parts.get(2);
        parts.set(2, new SealedPart(Role.COURIER, "mallory", courier.commitment(), courier.ciphertext()));
        Sealed readdressed = rebuild(bundle, parts, true);
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(readdressed, COURIER, p.courier(), CourierPart.class));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(readdressed, "mallory", p.mallory(), CourierPart.class));
        // The courier's own part with its role changed: the courier does not open a seller's part, and
        // read as one, the associated data (which names the role) no longer matches.
        parts.set(2, new SealedPart(Role.SELLER, COURIER, courier.commitment(), courier.ciphertext()));
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> SplitOrder.open(rebuild(bundle, parts, true), COURIER, p.courier(), CourierPart.class));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(rebuild(bundle, parts, true), COURIER, p.courier(), SellerPart.class));
        // A bundle claiming another holder.
        Sealed otherHolder = new Sealed(bundle.orderId(), "mallory", bundle.parts(),
                SplitOrder.digest(bundle.orderId(), "mallory", bundle.parts()));
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(otherHolder, COURIER, p.courier(), CourierPart.class));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFlippedByteAnywhereIsRefused(Mode mode) {
        OrderParties p = OrderParties.of(mode);
        Sealed bundle = seal(p, "order-1");
        SealedPart issuer = bundle.parts().get(1);
        for (int i = 0; i < issuer.ciphertext().length(); i += 7) {
            byte[] ciphertext = issuer.ciphertext().toByteArray();
            ciphertext[i] ^= 1;
            List<SealedPart> parts = new ArrayList<>(bundle.parts());
            parts.set(1, new SealedPart(Role.ISSUER, ISSUER, issuer.commitment(), Bytes.of(ciphertext)));
            assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(rebuild(bundle, parts, false), ISSUER, p.issuer(), IssuerPart.class));
        }
        // A commitment changed (another part's, in this case): the digest no longer matches ...
        byte[] commitment = issuer.commitment().toByteArray();
        commitment[0] ^= 1;
        List<SealedPart> parts = new ArrayList<>(bundle.parts());
        parts.set(1, new SealedPart(Role.ISSUER, ISSUER, Bytes.of(commitment), issuer.ciphertext()));
        assertRefused(OrderException.class, OrderException.BINDING_MISMATCH, () -> SplitOrder.open(rebuild(bundle, parts, false), SELLER, p.seller(), SellerPart.class));
        // ... and if recomputed, every part's associated data changes.
        assertRefused(OrderException.class, OrderException.PART_TAMPERED, () -> SplitOrder.open(rebuild(bundle, parts, true), SELLER, p.seller(), SellerPart.class));
        // Encoded bundle with a flipped byte: refused, never accepted.
        byte[] encoded = bundle.encode();
        for (int i = 0; i < encoded.length; i += 5) {
            byte[] copy = encoded.clone();
            copy[i] ^= 0x20;
            assertThrows(OrderException.class, () -> {
                Sealed damaged = Sealed.decode(copy);
                SplitOrder.open(damaged, SELLER, p.seller(), SellerPart.class);
                SplitOrder.open(damaged, ISSUER, p.issuer(), IssuerPart.class);
                SplitOrder.open(damaged, COURIER, p.courier(), CourierPart.class);
            });
        }
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> Sealed.decode(new byte[] {1, 2, 3}));
    }

    @Test
    void theFormKeepsTheCardNumberAndTheDestinationWhereTheyBelong() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        List<Part> leaky = new ArrayList<>(parts());
        leaky.set(0, Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CARD_NUMBER, CARD)));
        assertRefused(OrderException.class, OrderException.FIELD_NOT_ALLOWED, () -> SplitOrder.seal(Form.standard(), "o", p.holder(), leaky));
        leaky.set(0, parts().get(0));
        leaky.set(1, Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.DESTINATION, DEST)));
        assertRefused(OrderException.class, OrderException.FIELD_NOT_ALLOWED, () -> SplitOrder.seal(Form.standard(), "o", p.holder(), leaky));
        // A form that would give the card number to the seller, or the destination to the issuer, is no form.
        Map<Role, SortedSet<String>> fields = new java.util.EnumMap<>(Form.standard().fields());
        fields.put(Role.SELLER, new TreeSet<>(List.of(SplitOrder.CARD_NUMBER)));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Form(fields));
        fields.put(Role.SELLER, Form.standard().fieldsOf(Role.SELLER));
        fields.put(Role.ISSUER, new TreeSet<>(List.of(SplitOrder.DESTINATION)));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Form(fields));
    }

    @Test
    void unknownPartiesAndMalformedOrdersAreRefused() {
        OrderParties p = OrderParties.of(Mode.DIRECTORY);
        List<Part> withStranger = List.of(Part.of(Role.COURIER, "stranger", Map.of(SplitOrder.DESTINATION, DEST)));
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY, () -> SplitOrder.seal(Form.standard(), "o", p.holder(), withStranger));
        // A bundle from a holder the directory does not know.
        KeyDirectory other = new KeyDirectory();
        DirectoryKeys ghost = DirectoryKeys.generate("ghost", other);
        other.register("ghost", ghost.publicKey(), escudo.crypto.SigningKey.generate().verifyingKey());
        other.register(SELLER, PairwiseKeysTest.enrol("x", new KeyDirectory()).publicKey(), escudo.crypto.SigningKey.generate().verifyingKey());
        Sealed fromGhost = SplitOrder.seal(Form.standard(), "o", ghost, List.of(parts().get(0)));
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY, () -> SplitOrder.open(fromGhost, SELLER, p.seller(), SellerPart.class));

        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.seal(Form.standard(), "o", p.holder(), List.of()));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.seal(Form.standard(), "o", p.holder(), List.of(parts().get(0), parts().get(0))));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.seal(Form.standard(), "", p.holder(), parts()));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> SplitOrder.seal(Form.standard(), "o", p.holder(),
                List.of(Part.of(Role.SELLER, HOLDER, Map.of(SplitOrder.ITEMS, "x")))));
    }

    @Test
    void aPartyRefusesTheSameOrderTwice() {
        OrderParties p = OrderParties.of(Mode.BLOM);
        Sealed bundle = seal(p, "order-1");
        SeenOrders seen = new SeenOrders();
        seen.firstSight(SplitOrder.open(bundle, SELLER, p.seller(), SellerPart.class));
        assertRefused(OrderException.class, OrderException.REPLAYED, () -> seen.firstSight(SplitOrder.open(bundle, SELLER, p.seller(), SellerPart.class)));
        seen.firstSight(SplitOrder.open(seal(p, "order-2"), SELLER, p.seller(), SellerPart.class));
    }

    @Test
    void bundlesWithTheSameContentAreEqualAndTheArraysPassedInDoNotChangeThem() {
        Sealed bundle = seal(OrderParties.of(Mode.DIRECTORY), "order-1");
        SealedPart seller = bundle.parts().get(0);
        byte[] commitment = seller.commitment().toByteArray();
        byte[] ciphertext = seller.ciphertext().toByteArray();
        byte[] digest = bundle.digest().toByteArray();
        List<SealedPart> parts = new ArrayList<>(bundle.parts());
        parts.set(0, new SealedPart(seller.role(), seller.recipient(), Bytes.of(commitment), Bytes.of(ciphertext)));
        Sealed sameContent = new Sealed(bundle.orderId(), bundle.holderId(), parts, Bytes.of(digest));

        assertEquals(bundle, sameContent);
        assertEquals(bundle.hashCode(), sameContent.hashCode());
        assertEquals(bundle, Sealed.decode(bundle.encode()));

        commitment[0] ^= 1;
        ciphertext[0] ^= 1;
        digest[0] ^= 1;
        assertEquals(bundle, sameContent, "changing the arrays passed in does not change the bundle");
        assertArrayEquals(bundle.encode(), sameContent.encode());
        assertNotEquals(bundle, new Sealed(bundle.orderId(), bundle.holderId(), bundle.parts(), Bytes.of(digest)));
        assertNotEquals(seller, new SealedPart(seller.role(), seller.recipient(), seller.commitment(), Bytes.of(ciphertext)));
    }

    static Sealed rebuild(Sealed bundle, List<SealedPart> parts, boolean fixDigest) {
        Bytes digest = fixDigest ? SplitOrder.digest(bundle.orderId(), bundle.holderId(), parts) : bundle.digest();
        return new Sealed(bundle.orderId(), bundle.holderId(), parts, digest);
    }

    static List<SealedPart> swapRecipients(List<SealedPart> parts, String a, String b) {
        return parts.stream().map(part -> {
            String to = part.recipient().equals(a) ? b : part.recipient().equals(b) ? a : part.recipient();
            return new SealedPart(part.role(), to, part.commitment(), part.ciphertext());
        }).toList();
    }
}
