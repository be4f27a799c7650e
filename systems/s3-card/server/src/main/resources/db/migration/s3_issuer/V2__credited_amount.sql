-- What the merchant was credited for each cleared payment (the amount, or for a credit card the
-- amount less the fee), so a re-sent payment is answered with what was paid for it the first time.
ALTER TABLE issuer_cleared_payment ADD COLUMN IF NOT EXISTS credited_minor BIGINT;
