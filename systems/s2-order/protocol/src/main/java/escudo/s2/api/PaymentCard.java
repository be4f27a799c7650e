package escudo.s2.api;

import java.util.Objects;

/**
 * An S2 payment (debit) card on a customer's current account. {@code expiry} is {@code "MM/YY"};
 * the card is valid through the end of that month (UTC). {@link #toString()} shows the last four
 * digits only, so a card in a log line does not leak its number.
 */
public record PaymentCard(String cardNumber, String expiry, String holderName, String customerId, boolean blocked) {

    public PaymentCard {
        Objects.requireNonNull(cardNumber, "cardNumber");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(holderName, "holderName");
        Objects.requireNonNull(customerId, "customerId");
    }

    /** The number as a receipt shows it: {@code **** 1234}. */
    public String masked() {
        return mask(cardNumber);
    }

    @Override
    public String toString() {
        return "PaymentCard[" + masked() + ", expiry=" + expiry + ", holder=" + holderName + ", customer=" + customerId
                + (blocked ? ", blocked" : "") + "]";
    }

    public static String mask(String cardNumber) {
        return "**** " + (cardNumber.length() > 4 ? cardNumber.substring(cardNumber.length() - 4) : "");
    }
}
