/** JMH benchmarks: the harness JMH generates runs the benchmark states reflectively. */
module escudo.bench {
    requires jmh.core;
    requires org.bouncycastle.provider;
    requires transitive escudo.bank.client;
    requires transitive escudo.bank;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.node;
    requires transitive escudo.s1.phone;
    requires transitive escudo.s1.server;
    requires transitive escudo.s2.client;
    requires transitive escudo.s2.protocol;
    requires transitive escudo.s3.card;
    requires transitive escudo.s3.protocol;
    requires transitive escudo.s3.server;
    requires transitive escudo.s4.server;
    requires transitive escudo.s4.session;
    requires escudo.s4.session.testing;
    requires transitive escudo.storage;

    exports escudo.bench;
    exports escudo.bench.jmh_generated;

    opens escudo.bench to jmh.core;
    opens escudo.bench.jmh_generated to jmh.core;
}
