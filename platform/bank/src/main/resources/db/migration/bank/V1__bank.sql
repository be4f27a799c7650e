-- The bank's customers and merchants (seed 003, Figs. 2-3): who owns which ledger account. Every
-- system the bank runs (S0 devices, S2 payment cards, S3 cards) hangs its records off these.

CREATE TABLE IF NOT EXISTS issuer_customer (
    customer_id  VARCHAR(64)  PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    currency     VARCHAR(3)   NOT NULL,
    account_id   VARCHAR(100) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Fig. 3: a service provider's deposit account; S_id identifies it, its key authenticates deposits.
CREATE TABLE IF NOT EXISTS issuer_merchant (
    merchant_id  VARCHAR(64)  PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    currency     VARCHAR(3)   NOT NULL,
    public_key   VARCHAR(64)  NOT NULL,
    account_id   VARCHAR(100) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
