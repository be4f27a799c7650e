/** S1, the certification mobile terminal (seed 001): the certificate profile and what a relying party checks; the approvals, their CMS and their QR code. */
module escudo.s1.protocol {
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive org.bouncycastle.pkix;
    requires transitive org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires com.google.zxing;
    requires com.google.zxing.javase;
    requires java.desktop;

    exports escudo.s1.api;
    exports escudo.s1.protocol;

    opens escudo.s1.api to com.fasterxml.jackson.databind;
    opens escudo.s1.protocol to com.fasterxml.jackson.databind;
}
