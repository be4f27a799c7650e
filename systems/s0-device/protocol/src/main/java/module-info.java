/** S0, the device-bound trade channel (seed 000): registration, two-layer trade messages, HTTP bodies. */
module escudo.s0.protocol {
    requires transitive escudo.core;
    requires transitive escudo.crypto;

    exports escudo.s0.api;
    exports escudo.s0.protocol;

    opens escudo.s0.api to com.fasterxml.jackson.databind;
    opens escudo.s0.protocol to com.fasterxml.jackson.databind;
}
