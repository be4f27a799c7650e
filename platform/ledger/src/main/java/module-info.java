/** The double-entry ledger: accounts of a typed kind, idempotent transfers, holds. */
module escudo.ledger {
    requires java.sql;
    requires transitive escudo.core;
    requires transitive escudo.storage;

    exports escudo.ledger;
}
