-- Latchkey's tables take a `latchkey_` prefix, so that they sit beside a host
-- app's own; sessions move into a table of ours; users and devices get ids
-- that are never handed out twice.
--
-- Sessions: each row names its user and device as columns whose foreign keys
-- cascade, so deleting a device or an account deletes its sessions in the
-- same statement, and "alive" is one indexed read.
--
-- AUTOINCREMENT: a plain INTEGER PRIMARY KEY gives the highest deleted id to
-- the next row, so an id could come to mean another account or device.
--
-- SQLite cannot add AUTOINCREMENT to a table, so each table is built anew
-- and copied; the old ones are dropped children first, so that no cascade
-- runs while foreign keys are on (sqlx runs this in one transaction).

CREATE TABLE latchkey_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL,
    username_key  TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    display_name  TEXT    NOT NULL DEFAULT '',
    bio           TEXT    NOT NULL DEFAULT '',
    location      TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
INSERT INTO latchkey_users
    (id, username, username_key, password_hash, display_name, bio, location, created_at, updated_at)
    SELECT id, username, username_key, password_hash, display_name, bio, location, created_at, updated_at
    FROM users;

-- One row per signed-in browser. The old sessions stay behind in the session
-- crate's table, so a device that was not remembered (it had only its
-- session) is not carried over.
CREATE TABLE latchkey_devices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    user_agent     TEXT    NOT NULL,
    ip             TEXT    NOT NULL,
    remembered     INTEGER NOT NULL,
    signed_in_at   INTEGER NOT NULL,
    last_active_at INTEGER NOT NULL
);
CREATE INDEX latchkey_devices_by_user ON latchkey_devices (user_id);
INSERT INTO latchkey_devices
    (id, user_id, user_agent, ip, remembered, signed_in_at, last_active_at)
    SELECT id, user_id, user_agent, ip, remembered, signed_in_at, last_active_at
    FROM devices WHERE remembered = 1;

CREATE TABLE latchkey_remember_tokens (
    selector       TEXT    PRIMARY KEY,
    device_id      INTEGER NOT NULL UNIQUE REFERENCES latchkey_devices(id) ON DELETE CASCADE,
    validator_hash BLOB    NOT NULL,
    previous_hash  BLOB,
    rotated_at     INTEGER,
    expires_at     INTEGER NOT NULL
);
INSERT INTO latchkey_remember_tokens
    (selector, device_id, validator_hash, previous_hash, rotated_at, expires_at)
    SELECT selector, device_id, validator_hash, previous_hash, rotated_at, expires_at
    FROM remember_tokens WHERE device_id IN (SELECT id FROM latchkey_devices);

CREATE TABLE latchkey_activity (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    user_agent TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX latchkey_activity_by_user ON latchkey_activity (user_id, at DESC, id DESC);
INSERT INTO latchkey_activity (id, user_id, kind, ip, user_agent, at)
    SELECT id, user_id, kind, ip, user_agent, at FROM activity;

ALTER TABLE login_throttle RENAME TO latchkey_login_throttle;

-- One row per session: its JSON data, and its user and device while someone
-- is signed in on it.
CREATE TABLE latchkey_sessions (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER REFERENCES latchkey_users(id) ON DELETE CASCADE,
    device_id  INTEGER REFERENCES latchkey_devices(id) ON DELETE CASCADE,
    data       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX latchkey_sessions_by_user ON latchkey_sessions (user_id);
CREATE INDEX latchkey_sessions_by_device ON latchkey_sessions (device_id);
CREATE INDEX latchkey_sessions_by_expiry ON latchkey_sessions (expires_at);

DROP TABLE remember_tokens;
DROP TABLE activity;
DROP TABLE devices;
DROP TABLE users;
