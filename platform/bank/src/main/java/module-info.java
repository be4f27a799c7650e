/** The bank every system runs on: customers, merchants and their ledger accounts; its feature on a node. */
module escudo.bank {
    requires transitive escudo.bank.client;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.ledger;
    requires transitive escudo.node;
    requires transitive escudo.storage;

    exports escudo.bank;

    provides escudo.node.spi.Feature with escudo.bank.BankFeature;
}
