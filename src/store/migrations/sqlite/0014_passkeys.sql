-- Passkeys (WebAuthn credentials). A passkey is a public key: nothing here
-- signs anything in. The stored JSON is webauthn-rs's record of it (key,
-- signature counter, backup state); credential_id is unique across accounts.
CREATE TABLE latchkey_passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    passkey       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX latchkey_passkeys_user ON latchkey_passkeys(user_id);

-- The account's WebAuthn user handle: 16 random bytes, made with its first
-- passkey; a passkey's sign-in names the account by it, never by its id.
ALTER TABLE latchkey_users ADD COLUMN webauthn_handle BLOB;
CREATE UNIQUE INDEX latchkey_users_webauthn_handle ON latchkey_users(webauthn_handle);

-- Passkey challenges already answered: each works once, even when several
-- requests bring the same answer at the same moment.
CREATE TABLE latchkey_spent_challenges (
    challenge  BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
