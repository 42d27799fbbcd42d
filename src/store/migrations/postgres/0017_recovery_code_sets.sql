-- Recovery codes are now argon2id under one salt per set (ASVS 5.0 6.5.2):
-- a row is known by its hash, no longer by a salt of its own.
ALTER TABLE latchkey_recovery_codes DROP CONSTRAINT latchkey_recovery_codes_pkey;
ALTER TABLE latchkey_recovery_codes ADD PRIMARY KEY (user_id, code_hash);
