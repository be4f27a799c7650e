package escudo.s2.protocol;

import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder.Role;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** How an opened part's field strings become an {@link OrderPart}, and back. */
final class PartFields {

    private PartFields() {
    }

    /** The role whose part {@code type} is. */
    static Role roleOf(Class<? extends OrderPart> type) {
        if (type == SellerPart.class) {
            return Role.SELLER;
        }
        if (type == IssuerPart.class) {
            return Role.ISSUER;
        }
        if (type == CourierPart.class) {
            return Role.COURIER;
        }
        throw new IllegalArgumentException("no order part type " + type);
    }

    /** Reads the opened fields of a part of {@code role}: every field once, by its own rule. */
    static OrderPart read(Role role, SortedMap<String, String> fields) {
        Reader in = new Reader(role, fields);
        OrderPart part = switch (role) {
            case SELLER -> new SellerPart(in.text(SplitOrder.CONTACT), in.text(SplitOrder.ITEMS).map(SellerPart::items),
                    in.money(SplitOrder.AMOUNT), in.text(SplitOrder.PAYMENT_TYPE));
            case ISSUER -> new IssuerPart(in.text(SplitOrder.CARD_NUMBER), in.text(SplitOrder.EXPIRY),
                    in.text(SplitOrder.CONTACT), in.money(SplitOrder.AMOUNT), in.text(SplitOrder.PAYMENT_TYPE));
            case COURIER -> new CourierPart(in.text(SplitOrder.CONTACT), in.text(SplitOrder.DESTINATION));
        };
        in.noOtherFields();
        return part;
    }

    static final Pattern SKU = Pattern.compile("[^;\\s](?:[^;]*[^;\\s])?");
    static final Pattern LINE = Pattern.compile("([1-9][0-9]{0,17}) x (" + SKU.pattern() + ")");

    static void checkText(String text, String field) {
        if (text.isBlank() || text.length() > OrderPart.MAX_TEXT) {
            throw OrderException.malformed("the '" + field + "' is 1 to " + OrderPart.MAX_TEXT + " characters, not blank");
        }
    }

    static void checkFormat(Pattern format, String value, String field) {
        if (!format.matcher(value).matches()) {
            throw OrderException.malformed("the '" + field + "' is not in its format");
        }
    }

    /** Takes the fields of an opened part one by one, so that any left over are not the role's. */
    private static final class Reader {
        private final Role role;
        private final SortedMap<String, String> fields;

        Reader(Role role, SortedMap<String, String> fields) {
            this.role = role;
            this.fields = new TreeMap<>(fields);
        }

        Optional<String> text(String name) {
            return Optional.ofNullable(fields.remove(name));
        }

        Optional<Money> money(String name) {
            return text(name).map(text -> {
                try {
                    return Money.parse(text);
                } catch (EscudoException e) {
                    throw OrderException.malformed("the '" + name + "' is not an amount such as '12.50 EUR'");
                }
            });
        }

        void noOtherFields() {
            Set<String> left = fields.keySet();
            if (!left.isEmpty()) {
                throw OrderException.fieldNotAllowed(abbreviate(left.iterator().next()), role);
            }
        }

        private static String abbreviate(String name) {
            return name.length() <= 64 ? name : name.substring(0, 64);
        }
    }

    /** Writes the present fields of a part. */
    static final class Fields {
        private final SortedMap<String, String> fields = new TreeMap<>(SplitOrder.UTF8_ORDER);

        Fields put(String name, Optional<String> value) {
            value.ifPresent(v -> fields.put(name, v));
            return this;
        }

        SortedMap<String, String> sorted() {
            return Collections.unmodifiableSortedMap(fields);
        }
    }
}
