-- S1, the certification authority (seed 001, server 600): its own keys and the certificates it issued.

-- The CA's key pairs: today one, the root that signs user certificates, CRLs and OCSP answers. The
-- private key (PKCS#8) is sealed under a key derived from the node's master key (base64 of a
-- SecretBox blob); the certificate is its DER in base64.
CREATE TABLE IF NOT EXISTS s1_ca_key (
    name          VARCHAR(32)   PRIMARY KEY,
    certificate   VARCHAR(4000) NOT NULL,
    sealed_key    VARCHAR(1000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Every certificate issued, by serial number (lower-case hex), as the OCSP responder and the CRL
-- answer for it. revocation_reason is an RFC 5280 CRLReason code.
CREATE TABLE IF NOT EXISTS s1_certificate (
    serial             VARCHAR(40)   PRIMARY KEY,
    customer_id        VARCHAR(64)   NOT NULL REFERENCES issuer_customer (customer_id),
    phone_number       VARCHAR(16)   NOT NULL,
    certificate        VARCHAR(4000) NOT NULL,
    not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at         TIMESTAMP WITH TIME ZONE,
    revocation_reason  SMALLINT
);
CREATE INDEX IF NOT EXISTS s1_certificate_customer ON s1_certificate (customer_id);
