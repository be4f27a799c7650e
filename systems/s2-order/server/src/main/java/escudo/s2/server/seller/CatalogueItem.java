package escudo.s2.server.seller;

import escudo.core.ErrorCode;
import escudo.core.EscudoException.Kind;
import escudo.core.EscudoException;
import escudo.core.Money;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One article the shop sells. The sku is restricted to letters, digits, '.', '_' and '-' because
 * it is written into the order's {@code items} text ({@code "2 x tea-green-100g; 1 x mug"}),
 * which holder and seller must write identically.
 */
public record CatalogueItem(String sku, String name, Money unitPrice) {

    /** The shop\'s catalogue is unusable (refused at start). */
    public static final ErrorCode INVALID_CATALOGUE = ErrorCode.declare("shop.invalid-catalogue", Kind.INVALID);

    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public CatalogueItem {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (!SKU.matcher(sku).matches()) {
            throw invalid("a sku is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit: '" + sku + "'");
        }
        if (name.isBlank() || name.length() > 200) {
            throw invalid("an article's name is 1 to 200 characters");
        }
        if (!unitPrice.isPositive()) {
            throw invalid("the price of " + sku + " must be positive");
        }
    }

    private static EscudoException invalid(String message) {
        return new EscudoException(INVALID_CATALOGUE, message);
    }
}
