-- The web shop of S2 (seed 002, Fig. 1), seller's side: the offers it made and the orders placed
-- against them. The seller keeps its own part's fields (contact, items, amount) and the sealed
-- bundle, which it forwards to the issuer and the courier; their parts are ciphertext it cannot
-- open, so no card number and no delivery destination is ever stored here.

-- An offer (order form) is placed at most once: OPEN until an order is accepted against it, then USED.
CREATE TABLE IF NOT EXISTS shop_offer (
    order_id     VARCHAR(64)   PRIMARY KEY,
    items        VARCHAR(4000) NOT NULL,
    amount_minor BIGINT        NOT NULL,
    currency     VARCHAR(3)    NOT NULL,
    issuer_id    VARCHAR(256)  NOT NULL,
    courier_id   VARCHAR(256)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    state        VARCHAR(8)    NOT NULL CHECK (state IN ('OPEN', 'USED')),
    used_at      TIMESTAMP WITH TIME ZONE
);

CREATE INDEX IF NOT EXISTS shop_offer_open_expiry ON shop_offer (state, expires_at);

-- One accepted order. The order id is its offer's, so (holder_id, order_id) is unique too: a
-- replayed bundle finds its offer USED, or this key taken. lease/lease_until: the one status
-- query (or the placement) currently talking to the issuer or courier for this order.
CREATE TABLE IF NOT EXISTS shop_order (
    order_id         VARCHAR(64)    PRIMARY KEY REFERENCES shop_offer (order_id),
    holder_id        VARCHAR(256)   NOT NULL,
    contact          VARCHAR(1000)  NOT NULL,
    items            VARCHAR(4000)  NOT NULL,
    amount_minor     BIGINT         NOT NULL,
    currency         VARCHAR(3)     NOT NULL,
    issuer_id        VARCHAR(256)   NOT NULL,
    courier_id       VARCHAR(256)   NOT NULL,
    digest           VARCHAR(64)    NOT NULL,
    bundle           VARCHAR(65536) NOT NULL,
    state            VARCHAR(32)    NOT NULL CHECK (state IN ('AWAITING_AUTHORISATION', 'DECLINED', 'AUTHORISED',
                                                              'DISPATCHED', 'DELIVERED', 'DELIVERY_FAILED')),
    authorisation_id VARCHAR(128),
    tracking_id      VARCHAR(128),
    reason           VARCHAR(64),
    lease            VARCHAR(32),
    lease_until      TIMESTAMP WITH TIME ZONE,
    placed_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (holder_id, order_id)
);

CREATE INDEX IF NOT EXISTS shop_order_placed ON shop_order (placed_at);
