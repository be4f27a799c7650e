-- The cleanup of unpaid checkouts long expired finds them without reading every checkout ever paid.
CREATE INDEX IF NOT EXISTS merchant_checkout_unpaid ON merchant_checkout (paid, spec_time);
