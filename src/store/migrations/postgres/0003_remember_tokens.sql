-- "Remember me": one token per device. The cookie holds the selector and a
-- validator; only the validator's SHA-256 is stored. Deleting the device (sign
-- out, revoke, theft) deletes its token.
CREATE TABLE remember_tokens (
    selector       TEXT   PRIMARY KEY,
    device_id      BIGINT NOT NULL UNIQUE REFERENCES devices(id) ON DELETE CASCADE,
    validator_hash BYTEA  NOT NULL,
    -- The validator rotated out last, and when: a request racing the rotation
    -- (two tabs at once) presents it within seconds, which is not theft.
    previous_hash  BYTEA,
    rotated_at     BIGINT,
    expires_at     BIGINT NOT NULL
);
