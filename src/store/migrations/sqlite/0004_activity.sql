-- The security events a user can review: never a password, hash or token.
CREATE TABLE activity (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    user_agent TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX activity_by_user ON activity (user_id, at DESC, id DESC);
