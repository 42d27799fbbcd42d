-- Failed password checks per account, so guessing slows down on every app
-- server that shares this database. `key` is `login:<name>` for the log-in
-- form (known or not) and `user:<id>` for password confirmations.
CREATE TABLE login_throttle (
    key          TEXT   PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
