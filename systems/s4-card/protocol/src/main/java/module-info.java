/** S4, the multi-application card (seed 004): the APDUs both cards speak and the terminal sends, with their secure channel. */
module escudo.s4.protocol {
    requires transitive escudo.core;
    requires transitive java.smartcardio;
    requires org.bouncycastle.provider;

    exports escudo.s4.protocol;
}
