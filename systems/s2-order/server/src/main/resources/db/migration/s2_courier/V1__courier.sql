-- The courier of S2 (seed 002, Fig. 1): one row per delivery a seller handed over. The courier
-- opened only its own part of the holder's split order, so it knows where and whom to deliver to
-- but never the card number; the bundle itself is not kept.

CREATE TABLE IF NOT EXISTS courier_delivery (
    tracking_id   VARCHAR(32)   PRIMARY KEY,
    order_id      VARCHAR(256)  NOT NULL,
    holder_id     VARCHAR(256)  NOT NULL,
    seller_id     VARCHAR(256)  NOT NULL,
    contact       VARCHAR(1000) NOT NULL,
    destination   VARCHAR(1000) NOT NULL,
    parcel        VARCHAR(2000) NOT NULL,
    -- The order's digest (hex, docs/split-order.md): a re-sent request is the same delivery only with the same bundle.
    order_digest  VARCHAR(64)   NOT NULL,
    state         VARCHAR(16)   NOT NULL CHECK (state IN ('ACCEPTED', 'PICKED_UP', 'DELIVERED', 'FAILED')),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The replay rule of S2: each (holder, order id) is delivered once.
    CONSTRAINT courier_delivery_order UNIQUE (holder_id, order_id)
);

CREATE INDEX IF NOT EXISTS courier_delivery_seller ON courier_delivery (seller_id);
