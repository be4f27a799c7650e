/** S4, part 2 on the bank: the service provider's end of the session protocol and its feature. */
module escudo.s4.server {
    requires java.sql;
    requires transitive escudo.bank;
    requires transitive escudo.node;
    requires transitive escudo.s4.session;
    requires transitive escudo.storage;

    // The node loads the feature as a service; members reach the provider over HTTP.
    exports escudo.s4.server to escudo.bench;

    provides escudo.node.spi.Feature with escudo.s4.server.S4Feature;
}
