-- Failed password checks per account, so guessing slows down on every app
-- server that shares this database. `key` is `login:<name>` for the log-in
-- form (known or not, so throttling says nothing about who exists) and
-- `user:<id>` for password confirmations of a signed-in user.
CREATE TABLE login_throttle (
    key          TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
