/** S4, part 2 (seed 004, claims 13-53): the session protocol's messages and both ends' rules, for one member or many combined. */
module escudo.s4.session {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.s4.protocol;

    exports escudo.s4.session;

    opens escudo.s4.session to com.fasterxml.jackson.databind;
}
