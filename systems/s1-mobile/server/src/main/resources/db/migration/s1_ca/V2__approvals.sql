-- S1, Flow A (seed 001, Fig. 3, S150-S270): the service's history database 36. One pending
-- approval per transaction a user started on a PC for their phone: its canonical content (what the
-- phone signs, base64), the SHA-256 of the collect token the page follows and cancels it with,
-- its status, and once signed the CMS SignedData and the ledger transfer it made.
CREATE TABLE IF NOT EXISTS s1_approval (
    approval_id         VARCHAR(40)    PRIMARY KEY,
    customer_id         VARCHAR(64)    NOT NULL REFERENCES issuer_customer (customer_id),
    phone_number        VARCHAR(16)    NOT NULL,
    content             VARCHAR(4000)  NOT NULL,
    collect_token_hash  VARCHAR(64)    NOT NULL,
    status              VARCHAR(12)    NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at        TIMESTAMP WITH TIME ZONE,
    decided_at          TIMESTAMP WITH TIME ZONE,
    signer_serial       VARCHAR(40),
    signed              VARCHAR(8000)
);
CREATE INDEX IF NOT EXISTS s1_approval_phone ON s1_approval (customer_id, phone_number, status);
