/** The database: H2 or PostgreSQL, pooled, migrated per owner, one transaction per business step. */
module escudo.storage {
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires transitive escudo.core;
    requires transitive java.sql;

    exports escudo.storage;
}
