-- Email addresses: each account's, unverified until its owner follows the
-- link mailed to it. An address belongs to one account once verified; until
-- then more than one new account may name it, so that registering tells
-- nobody whether an address is taken.
ALTER TABLE latchkey_users ADD COLUMN email TEXT;
ALTER TABLE latchkey_users ADD COLUMN email_key TEXT;
ALTER TABLE latchkey_users ADD COLUMN email_verified_at BIGINT;
CREATE UNIQUE INDEX latchkey_users_verified_email
    ON latchkey_users (email_key) WHERE email_verified_at IS NOT NULL;
CREATE INDEX latchkey_users_by_email ON latchkey_users (email_key);

-- Single-use links mailed to an address: only the SHA-256 of the token is
-- kept, so the table leaks no working link.
CREATE TABLE latchkey_email_tokens (
    token_hash BYTEA   PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL,
    email_key  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX latchkey_email_tokens_by_user ON latchkey_email_tokens (user_id, purpose, created_at);
