-- A deposit run reads the payments waiting for the bank a batch at a time, oldest first: this
-- index finds each batch without reading the payments already settled or sorting the backlog.
CREATE INDEX IF NOT EXISTS merchant_payment_collected ON merchant_payment (status, accepted_at, card_number, serial);
