/** S1, the certification mobile terminal (seed 001): the certificate profile and what a relying party checks. */
module escudo.s1.protocol {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive org.bouncycastle.pkix;
    requires transitive org.bouncycastle.provider;
    requires org.bouncycastle.util;

    exports escudo.s1.api;
    exports escudo.s1.protocol;

    opens escudo.s1.api to com.fasterxml.jackson.databind;
    opens escudo.s1.protocol to com.fasterxml.jackson.databind;
}
