CREATE TABLE storagetest_other (
    id BIGINT NOT NULL PRIMARY KEY
);
