/** S4: the software secure element, one of the two cards behind the S4 protocol; its state sealed on the card OS. */
module escudo.s4.card {
    requires transitive escudo.s4.protocol;
    requires escudo.cardos;
    requires escudo.crypto;

    exports escudo.s4.card;
}
