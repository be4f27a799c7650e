/** S2, the parties' servers: the issuer's directory and card authorisation, the web shop, the courier; their feature. */
module escudo.s2.server {
    requires io.helidon.webserver;
    requires java.sql;
    requires transitive escudo.bank.client;
    requires transitive escudo.bank;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.ledger;
    requires transitive escudo.node;
    requires transitive escudo.s2.client;
    requires transitive escudo.s2.protocol;
    requires transitive escudo.storage;

    // No exports: the node loads the feature as a service; the roles are reached over HTTP only.

    opens escudo.s2.server to com.fasterxml.jackson.databind;
    opens escudo.s2.server.courier to com.fasterxml.jackson.databind;
    opens escudo.s2.server.issuer to com.fasterxml.jackson.databind;
    opens escudo.s2.server.seller to com.fasterxml.jackson.databind;

    provides escudo.node.spi.Feature with escudo.s2.server.S2Feature;
}
