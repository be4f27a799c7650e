-- The bank's S1 root a kiosk trusts when escudo.s1.root names no file: the one the bank gave at the
-- kiosk's first use, kept here so that from then on no answer from that address can replace it.
CREATE TABLE IF NOT EXISTS s1_kiosk_root (
    id             INT           PRIMARY KEY,
    certificate    VARCHAR(8000) NOT NULL,
    fetched_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
