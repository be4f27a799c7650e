/** S2, the holder side: splitting and sealing an order, the channel's sending end, the remote key directory. */
module escudo.s2.client {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.s2.protocol;

    exports escudo.s2.client;

    opens escudo.s2.client to com.fasterxml.jackson.databind;
}
