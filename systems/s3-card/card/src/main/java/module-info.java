/** S3, the card: a software secure element with sealed state. */
module escudo.s3.card {
    requires transitive escudo.cardos;
    requires transitive escudo.core;
    requires transitive escudo.crypto;
    requires transitive escudo.s3.protocol;

    exports escudo.s3.card;

    opens escudo.s3.card to com.fasterxml.jackson.databind;
}
