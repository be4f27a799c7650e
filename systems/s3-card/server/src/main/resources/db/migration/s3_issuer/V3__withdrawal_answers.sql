-- Seed 003, Fig. 10: the acknowledgement the bank gave each withdrawal, one row per (card, seq#),
-- so that the card, sending the identical request again after the answer was lost, gets the very
-- same acknowledgement back and nothing moves twice. request_digest is the SHA-256 (hex) of the
-- request's signed bytes: another request under a used seq# stays a replay. The other columns are
-- the acknowledgement's fields (a renewed CARD-CERT as base64 of its signed bytes and signature).
CREATE TABLE IF NOT EXISTS issuer_withdrawal_answer (
    card_number        VARCHAR(32)   NOT NULL,
    sequence           BIGINT        NOT NULL,
    request_digest     VARCHAR(64)   NOT NULL,
    amount_minor       BIGINT        NOT NULL,
    new_balance_minor  BIGINT        NOT NULL,
    currency           VARCHAR(3)    NOT NULL,
    renewed_cert       VARCHAR(2000),
    renewed_signature  VARCHAR(100),
    answered_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    signature          VARCHAR(100)  NOT NULL,
    PRIMARY KEY (card_number, sequence)
);
