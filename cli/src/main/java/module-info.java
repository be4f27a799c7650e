/** The escudo command: serves and demonstrates the network, and drives it as its users do. */
module escudo.cli {
    requires info.picocli;
    requires java.logging;
    requires transitive escudo.bank.client;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.node;
    requires transitive escudo.s0.device;
    requires transitive escudo.s0.protocol;
    requires transitive escudo.s1.phone;
    requires transitive escudo.s1.protocol;
    requires transitive escudo.s2.client;
    requires transitive escudo.s2.protocol;
    requires transitive escudo.s3.card;
    requires transitive escudo.s3.protocol;
    requires transitive escudo.s3.server;
    requires escudo.s4.card;
    requires escudo.s4.terminal;
    requires escudo.s4.session;
    requires escudo.s4.applet;

    exports escudo.cli;

    opens escudo.cli to info.picocli;
}
