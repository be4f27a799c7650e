-- The merchant's side of S3 (seed 003, Fig. 8): checkouts it presented, the payments it accepted
-- offline (kept until the bank has answered for each), and its copy of the bank's blacklist.

CREATE TABLE IF NOT EXISTS merchant_checkout (
    reference    VARCHAR(64)  PRIMARY KEY,
    amount_minor BIGINT       NOT NULL,
    currency     VARCHAR(3)   NOT NULL,
    details      VARCHAR(1024) NOT NULL,
    spec_time    TIMESTAMP WITH TIME ZONE NOT NULL,
    paid         BOOLEAN      NOT NULL DEFAULT FALSE
);

-- One accepted payment. (card_number, serial) is unique: the same PAYMENT-CERT, or a clone's
-- second payment under a ser# this merchant already holds, is refused at the counter.
CREATE TABLE IF NOT EXISTS merchant_payment (
    card_number    VARCHAR(32)  NOT NULL,
    serial         BIGINT       NOT NULL,
    reference      VARCHAR(64)  NOT NULL UNIQUE,
    card_cert      VARCHAR(2000) NOT NULL,
    cert_signature VARCHAR(100) NOT NULL,
    signature      VARCHAR(100) NOT NULL,
    amount_minor   BIGINT       NOT NULL,
    currency       VARCHAR(3)   NOT NULL,
    status         VARCHAR(16)  NOT NULL CHECK (status IN ('COLLECTED', 'CLEARED', 'ALREADY_CLEARED', 'REFUSED', 'BOUNCED')),
    outcome_code   VARCHAR(64),
    outcome_detail VARCHAR(1000),
    credited_minor BIGINT,
    accepted_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    settled_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (card_number, serial)
);

CREATE TABLE IF NOT EXISTS merchant_blacklist (
    card_number  VARCHAR(32)  PRIMARY KEY
);

-- The issue time of the blacklist copy held, so an older list can never replace a newer one.
CREATE TABLE IF NOT EXISTS merchant_blacklist_version (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    issued_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
