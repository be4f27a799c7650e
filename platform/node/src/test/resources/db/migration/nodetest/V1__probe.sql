-- A feature's migration in PartyNodeTest: readiness needs it applied.
CREATE TABLE nodetest_probe (
    id INTEGER NOT NULL PRIMARY KEY
);
