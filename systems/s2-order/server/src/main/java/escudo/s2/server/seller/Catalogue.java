package escudo.s2.server.seller;

import static escudo.s2.server.seller.Refusals.abbreviate;
import static escudo.s2.server.seller.Refusals.malformed;

import escudo.core.Money;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Item;
import escudo.s2.protocol.OrderMessage.Offer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the shop sells, and what a basket of it costs. */
final class Catalogue {

    static final int MAX_LINES = 50;
    static final int MAX_QUANTITY = 99;
    /** The courier carries parcels (the offer's items text) of at most this many characters. */
    static final int MAX_ITEMS_TEXT = 2000;

    /** A basket priced: its items, their total, and the {@code items} text holder and seller both write. */
    record Priced(List<Item> items, Money amount, String itemsText) {
    }

    private final List<CatalogueItem> items;
    private final Map<String, CatalogueItem> bySku;

    Catalogue(List<CatalogueItem> items) {
        this.items = List.copyOf(items);
        Map<String, CatalogueItem> skus = new HashMap<>();
        items.forEach(item -> skus.put(item.sku(), item));
        this.bySku = Map.copyOf(skus);
    }

    List<CatalogueItem> items() {
        return items;
    }

    /**
     * Each line names a catalogue sku once, with a quantity of 1 to {@value #MAX_QUANTITY}, and
     * the items text is at most {@value #MAX_ITEMS_TEXT} characters ({@code order.malformed} otherwise).
     */
    Priced price(Basket basket) {
        if (basket == null || basket.lines().isEmpty() || basket.lines().size() > MAX_LINES) {
            throw malformed("a basket has 1 to " + MAX_LINES + " lines");
        }
        List<Item> priced = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Money amount = null;
        for (Basket.Line line : basket.lines()) {
            if (line == null || line.sku() == null) {
                throw malformed("a basket line names a sku");
            }
            CatalogueItem article = bySku.get(line.sku());
            if (article == null) {
                throw malformed("the catalogue has no article '" + abbreviate(line.sku()) + "'");
            }
            if (line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
                throw malformed("the quantity of " + article.sku() + " must be 1 to " + MAX_QUANTITY);
            }
            if (!seen.add(article.sku())) {
                throw malformed(article.sku() + " is in the basket twice");
            }
            Item item = new Item(article.sku(), article.name(), line.quantity(), article.unitPrice());
            priced.add(item);
            amount = amount == null ? item.total() : amount.plus(item.total());
        }
        String itemsText = Offer.itemsText(priced);
        if (itemsText.length() > MAX_ITEMS_TEXT) {
            // Refused now: the courier would refuse the parcel of a paid order, leaving it AUTHORISED for good.
            throw malformed("the basket's items text is longer than the courier's " + MAX_ITEMS_TEXT + " characters");
        }
        return new Priced(priced, amount, itemsText);
    }
}
