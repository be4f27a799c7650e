package escudo.s1.server.shop;

import escudo.http.PartyClient;
import escudo.node.http.Binary;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Party;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.ShopApi;

/** A merchant's web shop taking S1 approvals ({@link Shop}): its part of S1's feature on a merchant's node. */
public final class ShopPart {

    /** Vault name of the box that seals the bank's handles on the shop's orders. */
    private static final String HANDLES = "s1-shop-handles";

    private ShopPart() {
    }

    /** Adds the shop to a merchant's {@code party}: its tables, its service, its page and its routes (docs/api.md, S1). */
    public static void join(Party party) {
        PartyClient bank = new PartyClient(party.config().issuerUrl());
        party.onClose(bank);
        Shop shop = new Shop(party.id(), party.db(), party.clock(), bank, party.secrets().box(HANDLES));
        party.provide(Shop.class, shop);
        Desk desk = new Desk(party.secrets().operatorToken(), "the shop's desk");
        RateLimit limit = party.rateLimit();
        party.routes(r -> {
            Routes.page(r, "/merchant/s1/", ShopPart.class, "/escudo/s1/server/web/shop.html", "/escudo/s1/server/web/shop.js", "/escudo/s1/server/web/s1.js",
                    "/escudo/s1/server/web/s1.css");
            Routes.get(r, "/merchant/s1/shop/items", req -> new ShopApi.Items(shop.items()));
            Routes.put(r, "/merchant/s1/shop/items/{id}", ShopApi.PutItem.class, (body, req) -> desk.only(req,
                    () -> shop.put(req.path("id"), body.name(), body.price())));
            Routes.get(r, "/merchant/s1/shop/orders", req -> desk.only(req, () -> new ShopApi.Orders(shop.orders())));
            // the page's checkout: open, as only the customer's phone moves money; each order costs the bank a call: limited
            Routes.post(r, "/merchant/s1/shop/orders", ShopApi.Order.class, (body, req) -> {
                limit.admit(req);
                return new Created(shop.order(body.itemId(), body.customerId(), body.phoneNumber(), body.flow()));
            });
            Routes.post(r, "/merchant/s1/shop/orders/{id}/collect", ShopApi.Ask.class, (body, req) -> shop.collect(req.path("id")));
            Routes.post(r, "/merchant/s1/shop/orders/{id}/frame", ShopApi.Ask.class, (body, req) -> Binary.of("image/png", shop.frame(req.path("id"))));
            Routes.post(r, "/merchant/s1/shop/orders/{id}/signature", ApprovalApi.Signature.class,
                    (body, req) -> shop.handOver(req.path("id"), body.signed().toByteArray()));
            Routes.post(r, "/merchant/s1/shop/orders/{id}/cancel", ShopApi.Ask.class, (body, req) -> shop.cancel(req.path("id")));
        });
    }
}
