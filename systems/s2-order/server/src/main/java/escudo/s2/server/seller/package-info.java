/**
 * The web shop of S2 (seed 002): the seller's side of the split order. {@link escudo.s2.server.seller.Shop}
 * makes offers from its catalogue ({@code Catalogue}), accepts the holder's sealed order against an
 * offer ({@code PlacementChecks}), and drives it through the issuer's authorisation and the courier's
 * delivery ({@code OrderProcess}, over {@link escudo.s2.server.seller.OrderPartners}); {@code ShopStore}
 * keeps offers and orders.
 */
package escudo.s2.server.seller;
