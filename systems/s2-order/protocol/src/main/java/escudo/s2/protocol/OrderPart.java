package escudo.s2.protocol;

import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.Basket.Line;
import escudo.s2.protocol.SplitOrder.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One party's part of an order, read and checked once, here: {@link SplitOrder#open} hands each
 * recipient the part of its own role already typed. A field the form did not give the party is
 * {@link Optional#empty()}; whether the party can do without it is the party's decision. A field
 * the role does not have is {@code order.field-not-allowed}, a field that does not read is
 * {@code order.malformed}; neither message echoes a value. {@link #fields()} writes the part back
 * as the field strings the holder sealed (docs/split-order.md).
 */
public sealed interface OrderPart {

    /** Contact and destination are free text of 1 to this many characters, not blank. */
    int MAX_TEXT = 1000;

    Role role();

    /** The part as sealed fields: name to value, sorted by the UTF-8 bytes of the names. */
    SortedMap<String, String> fields();

    /** Seed 002, Fig. 2: what the seller learns. {@code items} is the order's lines, sku and quantity. */
    record SellerPart(Optional<String> contact, Optional<List<Line>> items, Optional<Money> amount,
                      Optional<String> paymentType) implements OrderPart {
        public SellerPart {
            contact.ifPresent(text -> PartFields.checkText(text, SplitOrder.CONTACT));
            items = items.map(List::copyOf);
            items.ifPresent(lines -> itemsText(lines));
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(paymentType, "paymentType");
        }

        @Override
        public Role role() {
            return Role.SELLER;
        }

        /**
         * The {@code items} field: {@code <quantity> x <sku>} per line, lines joined by {@code "; "}
         * ({@code "2 x tea-green-100g; 1 x mug"}). A quantity is at least 1; a sku is not empty and has
         * no {@code ';'} and no surrounding blanks, so the text reads back as the same lines.
         */
        public static String itemsText(List<Line> lines) {
            if (lines.isEmpty()) {
                throw OrderException.malformed("an order has at least one line");
            }
            List<String> texts = new ArrayList<>();
            for (Line line : lines) {
                if (line.quantity() < 1 || line.sku() == null || !PartFields.SKU.matcher(line.sku()).matches()) {
                    throw OrderException.malformed("an order line has a quantity of at least 1 and a sku without ';'");
                }
                texts.add(line.quantity() + " x " + line.sku());
            }
            return String.join("; ", texts);
        }

        /** Reads what {@link #itemsText} wrote, and only that. */
        public static List<Line> items(String text) {
            List<Line> lines = new ArrayList<>();
            for (String entry : text.split("; ", -1)) {
                Matcher m = PartFields.LINE.matcher(entry);
                if (!m.matches()) {
                    throw OrderException.malformed("the items are not '<quantity> x <sku>' lines joined by '; '");
                }
                lines.add(new Line(m.group(2), Long.parseLong(m.group(1))));
            }
            return List.copyOf(lines);
        }

        @Override
        public SortedMap<String, String> fields() {
            return new PartFields.Fields().put(SplitOrder.CONTACT, contact).put(SplitOrder.ITEMS, items.map(SellerPart::itemsText))
                    .put(SplitOrder.AMOUNT, amount.map(Money::toString)).put(SplitOrder.PAYMENT_TYPE, paymentType).sorted();
        }
    }

    /** What the card's issuer learns. The card number is 8 to 19 digits (ISO/IEC 7812), the expiry {@code MM/YY}. */
    record IssuerPart(Optional<String> cardNumber, Optional<String> expiry, Optional<String> contact, Optional<Money> amount,
                      Optional<String> paymentType) implements OrderPart {
        private static final Pattern CARD_NUMBER = Pattern.compile("[0-9]{8,19}");
        private static final Pattern EXPIRY = Pattern.compile("(0[1-9]|1[0-2])/[0-9]{2}");

        public IssuerPart {
            cardNumber.ifPresent(number -> PartFields.checkFormat(CARD_NUMBER, number, SplitOrder.CARD_NUMBER));
            expiry.ifPresent(date -> PartFields.checkFormat(EXPIRY, date, SplitOrder.EXPIRY));
            contact.ifPresent(text -> PartFields.checkText(text, SplitOrder.CONTACT));
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(paymentType, "paymentType");
        }

        @Override
        public Role role() {
            return Role.ISSUER;
        }

        @Override
        public SortedMap<String, String> fields() {
            return new PartFields.Fields().put(SplitOrder.CARD_NUMBER, cardNumber).put(SplitOrder.EXPIRY, expiry)
                    .put(SplitOrder.CONTACT, contact).put(SplitOrder.AMOUNT, amount.map(Money::toString))
                    .put(SplitOrder.PAYMENT_TYPE, paymentType).sorted();
        }

        /** Never the card number or expiry in a log line or an assertion message. */
        @Override
        public String toString() {
            return "IssuerPart[card " + cardNumber.map(n -> "****" + n.substring(n.length() - 4)).orElse("absent")
                    + ", expiry " + (expiry.isPresent() ? "hidden" : "absent") + ", contact=" + contact + ", amount=" + amount
                    + ", paymentType=" + paymentType + "]";
        }
    }

    /** What the courier learns: whom to ask for and where the goods go. */
    record CourierPart(Optional<String> contact, Optional<String> destination) implements OrderPart {
        public CourierPart {
            contact.ifPresent(text -> PartFields.checkText(text, SplitOrder.CONTACT));
            destination.ifPresent(text -> PartFields.checkText(text, SplitOrder.DESTINATION));
        }

        @Override
        public Role role() {
            return Role.COURIER;
        }

        @Override
        public SortedMap<String, String> fields() {
            return new PartFields.Fields().put(SplitOrder.CONTACT, contact).put(SplitOrder.DESTINATION, destination).sorted();
        }
    }
}
