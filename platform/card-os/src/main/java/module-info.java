/** The card operating system every card application runs on: sealed storage, holder verification, one record per application. */
module escudo.cardos {
    requires transitive escudo.core;
    requires transitive escudo.crypto;

    exports escudo.cardos;
}
