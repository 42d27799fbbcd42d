-- Latchkey's schema as migrations 1 to 7 leave it, for a database that has
-- none of it yet: a new one never creates the unprefixed tables those first
-- migrations made (and the last renamed), so it cannot collide with a host's
-- own `users`. Changes to the schema are new migrations, as ever; this file
-- changes with them only for new databases.

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

CREATE TABLE latchkey_remember_tokens (
    selector       TEXT    PRIMARY KEY,
    device_id      INTEGER NOT NULL UNIQUE REFERENCES latchkey_devices(id) ON DELETE CASCADE,
    validator_hash BLOB    NOT NULL,
    previous_hash  BLOB,
    rotated_at     INTEGER,
    expires_at     INTEGER NOT NULL
);

CREATE TABLE latchkey_activity (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES latchkey_users(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    user_agent TEXT    NOT NULL,
    at         INTEGER NOT NULL
);

CREATE INDEX latchkey_activity_by_user ON latchkey_activity (user_id, at DESC, id DESC);

CREATE TABLE latchkey_login_throttle (
    key          TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);

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
