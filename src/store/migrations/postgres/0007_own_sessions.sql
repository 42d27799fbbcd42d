-- Latchkey's tables take a `latchkey_` prefix, so that they sit beside a host
-- app's own, and sessions move into a table of ours. (Identity columns never
-- hand out an id twice, so users and devices keep theirs.)
ALTER TABLE users RENAME TO latchkey_users;
ALTER TABLE devices RENAME TO latchkey_devices;
ALTER TABLE remember_tokens RENAME TO latchkey_remember_tokens;
ALTER TABLE activity RENAME TO latchkey_activity;
ALTER TABLE login_throttle RENAME TO latchkey_login_throttle;
ALTER INDEX devices_by_user RENAME TO latchkey_devices_by_user;
ALTER INDEX activity_by_user RENAME TO latchkey_activity_by_user;

-- The old sessions stay behind in the session crate's schema, so a device
-- that was not remembered (it had only its session) goes.
ALTER TABLE latchkey_devices DROP COLUMN session_id;
DELETE FROM latchkey_devices WHERE NOT remembered;

-- One row per session: its JSON data, and its user and device while someone
-- is signed in on it. Their foreign keys cascade, so deleting a device or an
-- account deletes its sessions in the same statement, and "alive" is one
-- indexed read.
CREATE TABLE latchkey_sessions (
    id         TEXT   PRIMARY KEY,
    user_id    BIGINT REFERENCES latchkey_users(id) ON DELETE CASCADE,
    device_id  BIGINT REFERENCES latchkey_devices(id) ON DELETE CASCADE,
    data       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX latchkey_sessions_by_user ON latchkey_sessions (user_id);
CREATE INDEX latchkey_sessions_by_device ON latchkey_sessions (device_id);
CREATE INDEX latchkey_sessions_by_expiry ON latchkey_sessions (expires_at);
