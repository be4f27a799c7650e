-- S1, Flow C (seed 001, Figs. 6-7): the challenges an unattended kiosk showed, and once the phone
-- signed one, the signature (CMS, base64), how the kiosk knew the certificate's standing (ONLINE:
-- the CA's OCSP answer; CACHED: a recent good answer, the amount under the floor) and whether the
-- bank has answered for it (collected_at), with the code it refused it with, if it did (refusal).
CREATE TABLE IF NOT EXISTS s1_kiosk_challenge (
    challenge_id   VARCHAR(40)   PRIMARY KEY,
    item           VARCHAR(140)  NOT NULL,
    amount_minor   BIGINT        NOT NULL,
    currency       VARCHAR(3)    NOT NULL,
    issued_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    presented_at   TIMESTAMP WITH TIME ZONE,
    signed         VARCHAR(8000),
    standing       VARCHAR(8),
    collected_at   TIMESTAMP WITH TIME ZONE,
    refusal        VARCHAR(64)
);
