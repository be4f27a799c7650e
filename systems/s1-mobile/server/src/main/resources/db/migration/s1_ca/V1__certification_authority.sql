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
-- answer for it. A certificate enrolled by CMP is good once the phone confirmed it (confirmed_at;
-- until then OCSP answers "unknown"). revocation_reason is an RFC 5280 CRLReason code.
CREATE TABLE IF NOT EXISTS s1_certificate (
    serial             VARCHAR(40)   PRIMARY KEY,
    customer_id        VARCHAR(64)   NOT NULL REFERENCES issuer_customer (customer_id),
    phone_number       VARCHAR(16)   NOT NULL,
    certificate        VARCHAR(4000) NOT NULL,
    not_before         TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after          TIMESTAMP WITH TIME ZONE NOT NULL,
    issued_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    confirmed_at       TIMESTAMP WITH TIME ZONE,
    revoked_at         TIMESTAMP WITH TIME ZONE,
    revocation_reason  SMALLINT
);
CREATE INDEX IF NOT EXISTS s1_certificate_customer ON s1_certificate (customer_id);

-- Seed 001, [43]-[45]: the reference number the desk gives a user whose identity it checked, with
-- the one-time secret that keys the MAC of the user's CMP messages (sealed like the root key: the
-- CA needs the secret itself to check a MAC). Good once, until expires_at; failures counts wrong
-- secrets, and at MAX the reference is locked. serial, transaction_id and ca_nonce tie the issued
-- certificate to its CMP transaction until the phone confirms it (confirmed_at).
CREATE TABLE IF NOT EXISTS s1_enrolment (
    reference       VARCHAR(12)  PRIMARY KEY,
    customer_id     VARCHAR(64)  NOT NULL REFERENCES issuer_customer (customer_id),
    phone_number    VARCHAR(16)  NOT NULL,
    sealed_secret   VARCHAR(200) NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    failures        INT          NOT NULL DEFAULT 0,
    serial          VARCHAR(40),
    transaction_id  VARCHAR(128),
    ca_nonce        VARCHAR(64),
    issued_at       TIMESTAMP WITH TIME ZONE,
    confirmed_at    TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS s1_enrolment_customer ON s1_enrolment (customer_id);
