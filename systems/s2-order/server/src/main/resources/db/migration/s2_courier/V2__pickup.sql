-- When the courier took the parcel from the seller: it stays after a later failure, so the seller
-- knows whether the goods had left the shop (it is paid for them if they had). Null while the
-- courier never had the parcel.
ALTER TABLE courier_delivery ADD COLUMN IF NOT EXISTS picked_up_at TIMESTAMP WITH TIME ZONE;

-- Deliveries of the earlier release: a parcel picked up was picked up when it last moved; a
-- delivered one no later than its delivery. A failure of that release cannot tell, and stays null.
UPDATE courier_delivery SET picked_up_at = updated_at
    WHERE picked_up_at IS NULL AND state IN ('PICKED_UP', 'DELIVERED');
