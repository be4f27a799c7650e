/**
 * S4: the member terminal: the card's holder data, its providers' records and its crypto service, on
 * either card; and its end of the session protocol, as the first member of a path or as a hop
 * (participant or router) that other members reach over HTTP.
 */
module escudo.s4.terminal {
    requires jdk.httpserver;
    requires transitive escudo.http;
    requires transitive escudo.s4.protocol;
    requires transitive escudo.s4.session;

    exports escudo.s4.terminal;
}
