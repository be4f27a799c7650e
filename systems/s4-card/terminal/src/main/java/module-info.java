/** S4: the member terminal: the card's holder data, its providers' records and its crypto service, on either card. */
module escudo.s4.terminal {
    requires transitive escudo.s4.protocol;

    exports escudo.s4.terminal;
}
