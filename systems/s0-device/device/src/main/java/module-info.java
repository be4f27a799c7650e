/** S0, the device side: the wallet bound to its hardware serial and its link to the bank. */
module escudo.s0.device {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.http;
    requires transitive escudo.s0.protocol;

    exports escudo.s0.device;

    opens escudo.s0.device to com.fasterxml.jackson.databind;
}
