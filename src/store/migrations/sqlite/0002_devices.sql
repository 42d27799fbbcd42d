-- One row per signed-in browser. A session records its device's id and is
-- alive only while the row is: deleting the row signs that browser out at its
-- next request, on every app server that shares this database.
CREATE TABLE devices (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_agent     TEXT    NOT NULL,
    ip             TEXT    NOT NULL,
    remembered     INTEGER NOT NULL,
    signed_in_at   INTEGER NOT NULL,
    last_active_at INTEGER NOT NULL
);
CREATE INDEX devices_by_user ON devices (user_id);
