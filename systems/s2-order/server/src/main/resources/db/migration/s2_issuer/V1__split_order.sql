-- S2, the split order (seed 002): the bank as key authentication office and card manager.

-- The key directory: a party's X25519 key (pairwise keys) and Ed25519 key (authentication in the
-- flow), both hex. proof is the party's Ed25519 signature over the entry, kept so anyone can check
-- the registration again. An identifier keeps its keys for good.
CREATE TABLE IF NOT EXISTS issuer_s2_party (
    party_id       VARCHAR(256) PRIMARY KEY,
    x25519_key     VARCHAR(64)  NOT NULL,
    verifying_key  VARCHAR(64)  NOT NULL,
    proof          VARCHAR(128) NOT NULL,
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Payment (debit) cards on a customer's current account: number, expiry "MM/YY" (valid through
-- the end of that month), the name on the card. A blocked card keeps its row.
CREATE TABLE IF NOT EXISTS issuer_payment_card (
    card_number  VARCHAR(16)  PRIMARY KEY,
    customer_id  VARCHAR(64)  NOT NULL REFERENCES issuer_customer (customer_id),
    expiry       VARCHAR(5)   NOT NULL,
    holder_name  VARCHAR(200) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    blocked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS issuer_payment_card_customer ON issuer_payment_card (customer_id);

-- One row per (holder, order id) the card manager has decided on, whatever the decision. Every
-- decision takes this row's lock first (inserting it, or SELECT ... FOR UPDATE), so an approval and
-- a decline of one order never both happen, on H2 as on PostgreSQL at READ COMMITTED.
CREATE TABLE IF NOT EXISTS issuer_s2_order (
    holder_id  VARCHAR(256) NOT NULL,
    order_id   VARCHAR(256) NOT NULL,
    PRIMARY KEY (holder_id, order_id)
);

-- One row per approved (and captured) order: the primary key is the replay rule, each
-- (holder, order id) is paid once. digest is the bundle's (hex). Neither the bundle nor anything
-- of another party's part is kept.
CREATE TABLE IF NOT EXISTS issuer_s2_authorisation (
    holder_id         VARCHAR(256) NOT NULL,
    order_id          VARCHAR(256) NOT NULL,
    seller_id         VARCHAR(64)  NOT NULL,
    digest            VARCHAR(64)  NOT NULL,
    amount_minor      BIGINT       NOT NULL,
    currency          VARCHAR(3)   NOT NULL,
    card_number       VARCHAR(16)  NOT NULL REFERENCES issuer_payment_card (card_number),
    authorisation_id  VARCHAR(17)  NOT NULL UNIQUE,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (holder_id, order_id)
);

-- One row per final decline: the holder's genuine order for its seller (the sender was the
-- bundle's seller and the bank's part opened), declined; that (holder, order id) is never paid
-- later. A (holder, order id) has a row here or in issuer_s2_authorisation, never in both.
-- digest is the first declined bundle's (hex); reason is the decline code, detail its text,
-- which names no card number and no amount.
CREATE TABLE IF NOT EXISTS issuer_s2_decline (
    holder_id   VARCHAR(256) NOT NULL,
    order_id    VARCHAR(256) NOT NULL,
    seller_id   VARCHAR(256) NOT NULL,
    digest      VARCHAR(64)  NOT NULL,
    reason      VARCHAR(64)  NOT NULL,
    detail      VARCHAR(500) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (holder_id, order_id)
);
