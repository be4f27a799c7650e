-- S1 at a merchant's web shop (seed 001, the service providing server 300 as a shop): what it
-- sells, and each order with the approval the shop asked the bank for. bank_handle is the page's
-- secret at the bank (Flow A's collect token, Flow B's ticket), sealed under the node's key vault
-- (base64 of a SecretBox blob): only the shop follows, shows and cancels the approval.
CREATE TABLE IF NOT EXISTS s1_shop_item (
    item_id       VARCHAR(64)   PRIMARY KEY,
    name          VARCHAR(140)  NOT NULL,
    amount_minor  BIGINT        NOT NULL,
    currency      VARCHAR(3)    NOT NULL
);

CREATE TABLE IF NOT EXISTS s1_shop_order (
    order_id      VARCHAR(40)   PRIMARY KEY,
    item_id       VARCHAR(64)   NOT NULL REFERENCES s1_shop_item (item_id),
    item_name     VARCHAR(140)  NOT NULL,
    amount_minor  BIGINT        NOT NULL,
    currency      VARCHAR(3)    NOT NULL,
    customer_id   VARCHAR(64)   NOT NULL,
    flow          VARCHAR(8)    NOT NULL,
    approval_id   VARCHAR(40)   NOT NULL UNIQUE,
    bank_handle   VARCHAR(1000) NOT NULL,
    status        VARCHAR(12)   NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at    TIMESTAMP WITH TIME ZONE
);
