package escudo.s2.client;

import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.SplitOrder;
import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The card holder's side of seed 002, Figs. 2-3: fills the seller's order form with the
 * holder's data and seals one part per party. What the form gives a party is all that party
 * receives; {@link SplitOrder.Form} already refuses a form that would show the card number to
 * anyone but the issuer or the destination to anyone but the courier.
 */
public final class Shopper {

    /** The only payment type offered: the amount is paid in full (the seed also names instalments). */
    public static final String FULL_PAYMENT = "full";

    private final PairwiseKeys keys;
    private final String cardIssuerId;

    /**
     * A holder whose card was issued by {@code cardIssuerId}. The holder names the issuer itself
     * (seed 002: "the seller and the card manager have been designated by the card holder"), so a
     * seller cannot slip in an "issuer" of its own to read the card.
     */
    public Shopper(PairwiseKeys keys, String cardIssuerId) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.cardIssuerId = PairwiseKeys.checkId(cardIssuerId);
    }

    public String holderId() {
        return keys.myId();
    }

    /** What the holder types in: how to reach them, the card, and where the goods go. */
    public record Details(String contact, String cardNumber, String expiry, String destination) {
        public Details {
            Objects.requireNonNull(contact, "contact");
            Objects.requireNonNull(cardNumber, "cardNumber");
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(destination, "destination");
        }

        @Override
        public String toString() {
            return "Details[contact, card, expiry and destination hidden]";
        }
    }

    /**
     * Seals the order the offer describes: one part per party of the offer, each with the fields its
     * form names. An offer naming another issuer than the card's is {@code order.wrong-recipient};
     * one whose amount is not the sum of its lines is {@code order.amount-mismatch}.
     */
    public SplitOrder.Sealed seal(Offer offer, Details details) {
        if (!offer.issuerId().equals(cardIssuerId)) {
            throw OrderException.wrongRecipient("the offer sends the card to " + offer.issuerId()
                    + ", but this card's issuer is " + cardIssuerId);
        }
        checkArithmetic(offer);
        Map<String, String> values = Map.of(
                SplitOrder.CONTACT, details.contact(),
                SplitOrder.ITEMS, offer.itemsText(),
                SplitOrder.AMOUNT, offer.amount().toString(),
                SplitOrder.PAYMENT_TYPE, FULL_PAYMENT,
                SplitOrder.CARD_NUMBER, details.cardNumber(),
                SplitOrder.EXPIRY, details.expiry(),
                SplitOrder.DESTINATION, details.destination());
        SplitOrder.Form form = offer.splitForm();
        List<Part> parts = new ArrayList<>();
        for (Role role : Role.values()) {
            String recipient = switch (role) {
                case SELLER -> offer.sellerId();
                case ISSUER -> offer.issuerId();
                case COURIER -> offer.courierId();
            };
            Map<String, String> fields = new java.util.TreeMap<>();
            for (String name : form.fieldsOf(role)) {
                String value = values.get(name);
                if (value == null) {
                    throw OrderException.malformed("the order form asks for '" + name + "', which this holder cannot fill");
                }
                fields.put(name, value);
            }
            parts.add(Part.of(role, recipient, fields));
        }
        return SplitOrder.seal(form, offer.orderId(), keys, parts);
    }

    /** The holder agrees to the amount only if it is what the offer's own lines add up to. */
    private static void checkArithmetic(Offer offer) {
        if (offer.items().isEmpty()) {
            throw OrderException.malformed("the offer has no items");
        }
        Money total = Money.zero(offer.amount().currency());
        for (OrderMessage.Item item : offer.items()) {
            if (!item.unitPrice().isPositive()) {
                throw OrderException.malformed("the offer prices " + item.sku() + " at zero or less");
            }
            total = total.plus(item.total()); // another currency is refused here
        }
        if (!total.equals(offer.amount())) {
            throw OrderException.of(OrderException.AMOUNT_MISMATCH,
                    "the offer's amount is not what its items add up to");
        }
    }
}
