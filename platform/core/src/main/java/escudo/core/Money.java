package escudo.core;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money in integer minor units (cents for EUR) of an ISO 4217 currency. Never a
 * floating point number; arithmetic across currencies is refused.
 */
public record Money(long minorUnits, Currency currency) implements Comparable<Money> {

    /** Arithmetic or a comparison across two currencies. */
    public static final ErrorCode CURRENCY_MISMATCH = ErrorCode.declare("money.currency-mismatch", EscudoException.Kind.INVALID);
    /** An amount that does not parse, has too many decimals or is out of range. */
    public static final ErrorCode INVALID = ErrorCode.declare("money.invalid", EscudoException.Kind.INVALID);

    public Money {
        Objects.requireNonNull(currency, "currency");
    }

    public static Money of(long minorUnits, String currencyCode) {
        return new Money(minorUnits, currency(currencyCode));
    }

    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    /** Parses a human amount such as {@code "12.50 EUR"} or {@code "EUR 12.50"}. */
    public static Money parse(String text) {
        if (text == null) {
            throw invalid("no amount given");
        }
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw invalid("amount must look like '12.50 EUR', got '" + text + "'");
        }
        boolean codeFirst = parts[0].chars().allMatch(Character::isLetter);
        Currency currency = currency(codeFirst ? parts[0] : parts[1]);
        String number = codeFirst ? parts[1] : parts[0];
        try {
            BigDecimal decimal = new BigDecimal(number);
            long minor = decimal.movePointRight(currency.getDefaultFractionDigits()).longValueExact();
            return new Money(minor, currency);
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid("'" + number + "' is not an amount in " + currency.getCurrencyCode());
        }
    }

    public static Currency currency(String code) {
        try {
            return Currency.getInstance(Objects.requireNonNull(code, "currency code").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("unknown currency '" + code + "'");
        }
    }

    public String currencyCode() {
        return currency.getCurrencyCode();
    }

    public boolean isPositive() {
        return minorUnits > 0;
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(minorUnits, other.minorUnits), currency);
    }

    /** This amount {@code times} times (an item's price by its quantity); overflow is refused. */
    public Money times(long times) {
        try {
            return new Money(Math.multiplyExact(minorUnits, times), currency);
        } catch (ArithmeticException e) {
            throw invalid(this + " x " + times + " overflows");
        }
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(minorUnits, other.minorUnits);
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new EscudoException(CURRENCY_MISMATCH,
                    "cannot combine " + currencyCode() + " with " + other.currencyCode());
        }
    }

    private static EscudoException invalid(String message) {
        return new EscudoException(INVALID, message);
    }

    /** {@code 12.50 EUR}. */
    @Override
    public String toString() {
        return BigDecimal.valueOf(minorUnits, currency.getDefaultFractionDigits()).toPlainString() + " " + currencyCode();
    }
}
