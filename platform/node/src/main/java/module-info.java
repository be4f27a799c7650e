/** The host: one process running parties, each with its port, database and secrets, joined by every installed feature. */
module escudo.node {
    requires io.helidon.http;
    requires transitive io.helidon.health;
    requires io.helidon.webserver.observe;
    requires io.helidon.webserver.observe.health;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.storage;
    requires transitive io.helidon.webserver;

    exports escudo.node;
    exports escudo.node.http;
    exports escudo.node.spi;

    uses escudo.node.spi.Feature;
}
