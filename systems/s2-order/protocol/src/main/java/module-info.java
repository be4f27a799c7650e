/** S2, the split order (seed 002): pairwise keys, sealed parts, the party channel, flow messages, HTTP bodies. */
module escudo.s2.protocol {
    requires transitive escudo.core;
    requires transitive escudo.crypto;

    exports escudo.s2.api;
    exports escudo.s2.protocol;

    opens escudo.s2.api to com.fasterxml.jackson.databind;
    opens escudo.s2.protocol to com.fasterxml.jackson.databind;
}
