/** S3, the bank's clearing and card issuing and the merchant's acceptance; their feature. */
module escudo.s3.server {
    requires java.sql;
    requires transitive escudo.bank.client;
    requires transitive escudo.bank;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.ledger;
    requires transitive escudo.node;
    requires transitive escudo.s3.protocol;
    requires transitive escudo.storage;

    // The node loads the feature as a service; only the CLI's demo and desk commands and the
    // clearing benchmark reach into the roles, so no other module can.
    exports escudo.s3.server.issuer to escudo.cli, escudo.bench;
    exports escudo.s3.server.merchant to escudo.cli;

    opens escudo.s3.server to com.fasterxml.jackson.databind;
    opens escudo.s3.server.issuer to com.fasterxml.jackson.databind;
    opens escudo.s3.server.merchant to com.fasterxml.jackson.databind;

    provides escudo.node.spi.Feature with escudo.s3.server.S3Feature;
}
