package escudo.s1.api;

import escudo.core.Money;
import escudo.s1.protocol.ApprovalStatus;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of a merchant's web shop that takes S1 approvals (seed 001, Figs. 3 and 5, the
 * service providing server 300 as a shop): its page talks only to the shop, and the shop asks the
 * bank for the approval as a relying party, as a BankID relying party does (docs/api.md, S1).
 */
public final class ShopApi {

    private ShopApi() {
    }

    /** How the customer approves: the bank rings the phone (Flow A), or the page shows a code for it (Flow B). */
    public enum Flow {
        PHONE, CODE
    }

    /** One thing the shop sells, at its price. */
    public record Item(String itemId, String name, Money price) {
    }

    /** {@code GET /merchant/s1/shop/items}. */
    public record Items(List<Item> items) {
    }

    /** {@code PUT /merchant/s1/shop/items/{id}} (the merchant's desk). */
    public record PutItem(String name, Money price) {
    }

    /** {@code POST /merchant/s1/shop/orders}: the page's checkout. The price is the shop's, never the page's. */
    public record Order(String itemId, String customerId, String phoneNumber, Flow flow) {
    }

    /** The order placed: its id is the page's handle on it. */
    public record Placed(String orderId, Flow flow, String item, Money amount, Instant expiresAt) {
    }

    /** {@code POST /merchant/s1/shop/orders/{id}/collect}, {@code /frame} and {@code /cancel} take {@code {}}: the order id is the page's handle. */
    public record Ask() {
    }

    /** Where the order's approval stands: the answer of {@code /collect}, {@code /cancel} and {@code /signature}. */
    public record Status(String orderId, ApprovalStatus status, String hint) {
    }

    /** {@code GET /merchant/s1/shop/orders} (the merchant's desk), newest first. */
    public record Orders(List<OrderView> orders) {
    }

    public record OrderView(String orderId, String item, Money amount, String customerId, Flow flow, ApprovalStatus status, Instant createdAt) {
    }
}
