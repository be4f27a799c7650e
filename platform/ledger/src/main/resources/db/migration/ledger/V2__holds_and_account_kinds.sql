-- Two-phase transfers (holds, as TigerBeetle has them) and typed account kinds.

-- What each account is for (escudo.ledger.AccountKind). Accounts opened before this migration
-- are named by the prefixes the bank gave their ids; the bank opened every one of them.
ALTER TABLE ledger_accounts ADD COLUMN kind VARCHAR(20);
UPDATE ledger_accounts SET kind = CASE
    WHEN id LIKE 'customer:%:savings' THEN 'SAVINGS'
    WHEN id LIKE 'customer:%' THEN 'CUSTOMER_CURRENT'
    WHEN id LIKE 'merchant:%' THEN 'MERCHANT_DEPOSIT'
    WHEN id LIKE 'card:%' THEN 'CARD'
    WHEN id LIKE 'bank:cash:%' THEN 'BANK_CASH'
    ELSE 'BANK_OWN' END;
ALTER TABLE ledger_accounts ALTER COLUMN kind SET NOT NULL;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind
    CHECK (kind IN ('CUSTOMER_CURRENT', 'SAVINGS', 'MERCHANT_DEPOSIT', 'CARD', 'BANK_CASH', 'BANK_OWN'));

-- Sums of the account's pending holds, kept in step under the row lock like the balance. What
-- an account may still spend is its balance less its pending debits, within its credit limit.
ALTER TABLE ledger_accounts ADD COLUMN pending_debits BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE ledger_accounts ADD COLUMN pending_credits BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_pending_not_negative
    CHECK (pending_debits >= 0 AND pending_credits >= 0);
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_holds_within_limit
    CHECK (balance - pending_debits >= -credit_limit);

-- A hold is a transfer row too, so holds and transfers share one id space under one primary
-- key. A plain transfer is POSTED when written; a hold is PENDING (no postings, the amount
-- reserved) until it is POSTED (postings written, the money moved, at settled_at), VOIDED, or
-- EXPIRED (voided because its expires_at passed).
ALTER TABLE ledger_transfers ADD COLUMN hold BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE ledger_transfers ADD COLUMN state VARCHAR(10) DEFAULT 'POSTED' NOT NULL;
ALTER TABLE ledger_transfers ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE ledger_transfers ADD COLUMN settled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE ledger_transfers ADD CONSTRAINT ledger_transfers_state
    CHECK (state IN ('PENDING', 'POSTED', 'VOIDED', 'EXPIRED') AND (hold OR state = 'POSTED'));

-- Finds the expired holds an account's next payment releases.
CREATE INDEX ledger_transfers_pending_by_account ON ledger_transfers (from_account, state, expires_at);
