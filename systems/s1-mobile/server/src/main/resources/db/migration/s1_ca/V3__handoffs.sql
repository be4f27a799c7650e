-- S1, Flow B (seed 001, Fig. 5, S300-S400): the local hand-off keeps no pending store; a row is
-- written only when a hand-off ends, signed and carried out (DONE, with the CMS SignedData, base64)
-- or cancelled on the PC (CANCELLED), so that exactly one of the two ends it and a signature sent
-- again moves nothing.
CREATE TABLE IF NOT EXISTS s1_handoff (
    approval_id    VARCHAR(40)    PRIMARY KEY,
    customer_id    VARCHAR(64)    NOT NULL REFERENCES issuer_customer (customer_id),
    status         VARCHAR(12)    NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    signer_serial  VARCHAR(40),
    signed         VARCHAR(8000)
);
