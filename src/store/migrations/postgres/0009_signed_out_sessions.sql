-- Sessions signed out from another device (the devices page, a password
-- change), kept after their rows are deleted so that a browser coming back
-- with one is told why it is signed out. Forgotten once no session could
-- still be alive (the sweep, after the absolute lifetime).
CREATE TABLE latchkey_signed_out_sessions (
    id        TEXT   PRIMARY KEY,
    ended_at  BIGINT NOT NULL
);
CREATE INDEX latchkey_signed_out_sessions_by_time ON latchkey_signed_out_sessions (ended_at);
