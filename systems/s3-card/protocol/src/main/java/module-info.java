/** S3, offline card payments (seed 003): CARD-CERT, PAYMENT-CERT, deposits, withdrawals, blacklist, HTTP bodies. */
module escudo.s3.protocol {
    requires transitive escudo.core;
    requires transitive escudo.crypto;

    exports escudo.s3.api;
    exports escudo.s3.protocol;

    opens escudo.s3.api to com.fasterxml.jackson.databind;
    opens escudo.s3.protocol to com.fasterxml.jackson.databind;
}
