-- The seller captures the held amount when the courier reports the parcel picked up (or delivered),
-- not when it accepts the order: picked_up_at is when the courier took the parcel, as it reported
-- it, null while the seller knows of no pickup. released_at is when the issuer released the hold of
-- an order whose delivery failed before the courier had the parcel (never captured).
ALTER TABLE shop_order ADD COLUMN IF NOT EXISTS picked_up_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE shop_order ADD COLUMN IF NOT EXISTS released_at TIMESTAMP WITH TIME ZONE;
