/** Money and stable, typed error codes: what every module shares. */
module escudo.core {

    exports escudo.core;

    opens escudo.core to com.fasterxml.jackson.databind;
}
