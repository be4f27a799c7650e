CREATE TABLE storagetest_counter (
    id    INTEGER NOT NULL PRIMARY KEY,
    n     BIGINT  NOT NULL
);
INSERT INTO storagetest_counter (id, n) VALUES (1, 0);
INSERT INTO storagetest_counter (id, n) VALUES (2, 0);
