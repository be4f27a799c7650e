package escudo.core;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount of money in integer minor units (cents for EUR) of an ISO 4217 currency. Never a
 * floating point number; arithmetic across currencies is refused.
 */
public record Money(long minorUnits, Currency currency) implements Comparable<Money> {

    /** Arithmetic or a comparison across two currencies. */
    public static final ErrorCode CURRENCY_MISMATCH = ErrorCode.declare("money.currency-mismatch", EscudoException.Kind.INVALID);
    /** An amount that does not parse, has too many decimals or is out of range. */
    public static final ErrorCode INVALID = ErrorCode.declare("money.invalid", EscudoException.Kind.INVALID);

    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

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
            throw invalid("an amount looks like '12.50 EUR'");
        }
        boolean codeFirst = parts[0].chars().allMatch(Character::isLetter);
        Currency currency = currency((codeFirst ? parts[0] : parts[1]).toUpperCase(Locale.ROOT)); // people type "eur"
        String number = codeFirst ? parts[1] : parts[0];
        try {
            BigDecimal decimal = new BigDecimal(number);
            long minor = decimal.movePointRight(currency.getDefaultFractionDigits()).longValueExact();
            return new Money(minor, currency);
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid("not an amount in " + currency.getCurrencyCode() + " (at most "
                    + currency.getDefaultFractionDigits() + " decimals)");
        }
    }

    /** The ISO 4217 currency of a code such as {@code EUR}: three upper-case letters, as on the wire. */
    public static Currency currency(String code) {
        if (code == null || !CURRENCY_CODE.matcher(code).matches()) {
            throw invalid("a currency is an ISO 4217 code of three upper-case letters");
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw invalid("the currency is not an ISO 4217 code");
        }
    }

    public String currencyCode() {
        return currency.getCurrencyCode();
    }

    public boolean isNegative() {
        return minorUnits < 0;
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
