/**
 * S2 (seed 002, Fig. 1): the courier, the delivery service company. It opens only its own part of
 * the holder's split order (contact and destination), records the delivery the seller hands over
 * and reports its state; it never sees the card number.
 */
package escudo.s2.server.courier;
