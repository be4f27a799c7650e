-- When the issuer paid the order: the seller captures the authorised (held) amount once the
-- courier has taken the order; until then the money is only held on the holder's account.
ALTER TABLE shop_order ADD COLUMN captured_at TIMESTAMP WITH TIME ZONE;
