-- Secrets Latchkey makes for itself, the same for every app server that
-- shares this database: the first server to start creates each one.
-- `browser_cookie` signs the cookie that marks a browser an account has
-- signed in from (the throttle's known browsers).
CREATE TABLE latchkey_keys (
    name   TEXT PRIMARY KEY,
    secret BLOB NOT NULL
);
