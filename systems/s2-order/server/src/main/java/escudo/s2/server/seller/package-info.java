/**
 * The web shop of S2 (seed 002): the seller's side of the split order. {@link escudo.s2.server.seller.Shop}
 * makes offers from its catalogue, accepts the holder's sealed order against an offer, and drives
 * it through the issuer's authorisation and the courier's delivery ({@link escudo.s2.server.seller.OrderPartners}).
 */
package escudo.s2.server.seller;
