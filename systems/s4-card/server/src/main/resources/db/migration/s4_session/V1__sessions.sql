-- S4, part 2 (seed 004, claims 13-53): the card keys of the bank's members (a record on a customer's
-- card, key type ECDSA P-256, its uncompressed point in hex), and each member of each session as the
-- provider keeps it between messages: the session secret sealed with the vault box s4-sessions, the
-- salt its keys are derived under, the provider's challenge, the transcript after the last reply, the
-- phase expected next (NULL once ended), the hash of its key exchange request, which is unique so
-- that a replayed key exchange is refused, and what the member told the bank alone (claim 32).
CREATE TABLE IF NOT EXISTS s4_member_key (
    card_key       VARCHAR(130)  PRIMARY KEY,
    customer_id    VARCHAR(64)   NOT NULL,
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE IF NOT EXISTS s4_session_member (
    transaction_id     VARCHAR(40)   PRIMARY KEY,
    session_id         VARCHAR(40)   NOT NULL,
    members            INT           NOT NULL,
    customer_id        VARCHAR(64)   NOT NULL,
    card_key           VARCHAR(130)  NOT NULL,
    secret_sealed      VARCHAR(200)  NOT NULL,
    salt               VARCHAR(64)   NOT NULL,
    provider_challenge VARCHAR(64)   NOT NULL,
    transcript         VARCHAR(64)   NOT NULL,
    next_phase         VARCHAR(16),
    request_hash       VARCHAR(64)   NOT NULL UNIQUE,
    member_note        VARCHAR(200)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS s4_session_member_session ON s4_session_member (session_id);

-- The reply to each message the bank carried out, by the SHA-256 of the message: the same message
-- again (a retransmission after a lost answer) gets the same reply and changes nothing.
CREATE TABLE IF NOT EXISTS s4_reply (
    message_hash   VARCHAR(64)      PRIMARY KEY,
    reply          VARCHAR(400000)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
