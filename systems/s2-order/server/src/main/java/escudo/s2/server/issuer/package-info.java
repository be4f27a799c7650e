/**
 * The bank's side of S2, the split order (seed 002): the key directory it keeps for the parties
 * (the "key authentication office"), the payment cards it issues on current accounts, and the
 * card manager that opens its part of an order, checks the card and its holder, and pays the
 * seller through the ledger.
 */
package escudo.s2.server.issuer;
