/** The bank's own HTTP API as a client sees it, and the connection to a remote bank. */
module escudo.bank.client {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;

    exports escudo.bank.client;

    opens escudo.bank.client to com.fasterxml.jackson.databind;
}
