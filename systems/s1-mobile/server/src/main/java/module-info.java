/** S1 on the bank: the certification authority (certificates, CRL, OCSP responder) and its feature. */
module escudo.s1.server {
    requires java.net.http;
    requires java.sql;
    requires transitive escudo.bank;
    requires transitive escudo.core;
    requires transitive escudo.node;
    requires transitive escudo.s1.protocol;
    requires transitive escudo.storage;
    requires org.bouncycastle.util;

    // The node loads the feature as a service; relying parties reach the CA over HTTP. Only the
    // Flow A benchmark reaches into the approval service.
    exports escudo.s1.server.approval to escudo.bench;
    opens escudo.s1.server to com.fasterxml.jackson.databind;

    provides escudo.node.spi.Feature with escudo.s1.server.S1Feature;
}
