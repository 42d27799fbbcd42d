-- Recovery codes are now argon2id under one salt per set (ASVS 5.0 6.5.2):
-- a row is known by its hash, no longer by a salt of its own. SQLite cannot
-- change a primary key in place, so the table is made again.
CREATE TABLE latchkey_recovery_codes_new (
    user_id    INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    salt       BLOB NOT NULL,
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (user_id, code_hash)
);
INSERT INTO latchkey_recovery_codes_new (user_id, salt, code_hash, created_at, used_at)
    SELECT user_id, salt, code_hash, created_at, used_at FROM latchkey_recovery_codes;
DROP TABLE latchkey_recovery_codes;
ALTER TABLE latchkey_recovery_codes_new RENAME TO latchkey_recovery_codes;
