/** The client side of JSON over HTTP between parties: the JSON mapping, problem documents, the party client. */
module escudo.http {
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires transitive escudo.core;
    requires transitive escudo.crypto;

    exports escudo.http;
}
