-- S1, certificate renewal (CMP key update, RFC 9483 section 4.1.3): each kur the CA answered, by its
-- CMP transaction id (so a kur sent again issues nothing), with the certificate it renews, the one it
-- issued and the CA's nonce; once the phone's certConf arrives (confirmed_at) the new certificate is
-- good and the old one revoked as superseded.
CREATE TABLE IF NOT EXISTS s1_renewal (
    transaction_id  VARCHAR(128)  PRIMARY KEY,
    old_serial      VARCHAR(40)   NOT NULL,
    new_serial      VARCHAR(40)   NOT NULL,
    ca_nonce        VARCHAR(64)   NOT NULL,
    issued_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    confirmed_at    TIMESTAMP WITH TIME ZONE
);
