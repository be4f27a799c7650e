/** S1, the certification mobile terminal: its keys and certificates on the card OS, its CMP enrolment. No storage, no server. */
module escudo.s1.phone {
    requires java.net.http;
    requires transitive escudo.cardos;
    requires transitive escudo.http;
    requires transitive escudo.s1.protocol;

    exports escudo.s1.phone;
}
