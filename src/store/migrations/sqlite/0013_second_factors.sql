-- Second factors. A TOTP secret is sealed with a key from the configuration
-- (never stored here); it counts once its first code confirms it, and
-- last_step makes each code work once.
CREATE TABLE latchkey_totp (
    user_id      INTEGER PRIMARY KEY REFERENCES latchkey_users(id) ON DELETE CASCADE,
    secret       BLOB NOT NULL,
    confirmed_at INTEGER,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- Recovery codes: 50 random bits each, stored as SHA-256 of a random
-- 32-bit salt and the code (ASVS 2.6.2); one use each.
CREATE TABLE latchkey_recovery_codes (
    user_id    INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    salt       BLOB NOT NULL,
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (user_id, salt)
);

-- How each device signed in (password, password and a second factor,
-- a mailed link, a passkey), as the device list shows it.
ALTER TABLE latchkey_devices ADD COLUMN signed_in_with TEXT;
