package escudo.s2.server.seller;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a shop is configured with: who it is, the issuer and courier every offer names, how long
 * an offer may be placed, and what it sells (one currency, each sku once).
 *
 * @param issuerId the issuer every offer names (it authorises the amount, and pays it on capture)
 * @param courierId the courier every offer names
 * @param offerLifetime how long an offer may be placed
 */
public record ShopSettings(String sellerId, String issuerId, String courierId, Duration offerLifetime,
                           List<CatalogueItem> catalogue) {

    /** The shop\'s settings are unusable (refused at start). */
    public static final ErrorCode INVALID_SETTINGS = ErrorCode.declare("shop.invalid-settings", Kind.INVALID);
    public ShopSettings {
        checkId(sellerId, "seller id");
        checkId(issuerId, "issuer id");
        checkId(courierId, "courier id");
        if (new HashSet<>(List.of(sellerId, issuerId, courierId)).size() != 3) {
            throw invalidSettings("seller, issuer and courier must be three different parties");
        }
        Objects.requireNonNull(offerLifetime, "offerLifetime");
        if (offerLifetime.isNegative() || offerLifetime.isZero()) {
            throw invalidSettings("offers must live for a positive time");
        }
        catalogue = List.copyOf(catalogue);
        if (catalogue.isEmpty()) {
            throw invalidSettings("the catalogue is empty");
        }
        Set<String> skus = new HashSet<>();
        Currency currency = catalogue.getFirst().unitPrice().currency();
        for (CatalogueItem item : catalogue) {
            if (!skus.add(item.sku())) {
                throw invalidSettings("sku " + item.sku() + " is in the catalogue twice");
            }
            if (!item.unitPrice().currency().equals(currency)) {
                throw invalidSettings("the catalogue mixes currencies");
            }
        }
    }

    /** A small demo catalogue in {@code currency}; offers live 15 minutes. */
    public static ShopSettings defaults(String sellerId, String issuerId, String courierId, String currency) {
        Currency c = Money.currency(currency);
        return new ShopSettings(sellerId, issuerId, courierId, Duration.ofMinutes(15), List.of(
                new CatalogueItem("tea-green-100g", "Green tea, 100 g", price("6.50", c)),
                new CatalogueItem("mug", "Mug", price("12.00", c)),
                new CatalogueItem("kettle", "Kettle", price("39.90", c))));
    }

    private static Money price(String amount, Currency currency) {
        long minor = new BigDecimal(amount).movePointRight(Math.max(0, currency.getDefaultFractionDigits()))
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
        return new Money(minor, currency);
    }

    private static void checkId(String id, String what) {
        Objects.requireNonNull(id, what);
        if (id.isBlank() || id.length() > 256) {
            throw invalidSettings("the " + what + " is 1 to 256 characters");
        }
    }

    private static EscudoException invalidSettings(String message) {
        return new EscudoException(INVALID_SETTINGS, message);
    }
}
