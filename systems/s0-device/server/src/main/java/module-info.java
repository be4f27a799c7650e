/** S0, the bank side: the trade server centre and its feature. */
module escudo.s0.server {
    requires java.sql;
    requires transitive escudo.bank;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.ledger;
    requires transitive escudo.node;
    requires transitive escudo.s0.protocol;
    requires transitive escudo.storage;

    // No exports: the node loads the feature as a service, and nothing else may reach the trade centre.

    opens escudo.s0.server to com.fasterxml.jackson.databind;
    opens escudo.s0.server.issuer to com.fasterxml.jackson.databind;

    provides escudo.node.spi.Feature with escudo.s0.server.S0Feature;
}
