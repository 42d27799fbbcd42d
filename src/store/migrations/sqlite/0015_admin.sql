-- Roles and locks. A role is 'user' or 'admin' (room for more); the first
-- admin comes from the command line. A locked account has no session and
-- cannot sign in or be sent links until it is unlocked.
ALTER TABLE latchkey_users ADD COLUMN role TEXT NOT NULL DEFAULT 'user';
ALTER TABLE latchkey_users ADD COLUMN locked_at INTEGER;
ALTER TABLE latchkey_users ADD COLUMN locked_reason TEXT;
CREATE INDEX latchkey_users_admins ON latchkey_users (username_key) WHERE role = 'admin';

-- What administrators did, and to whom. No foreign keys: the log outlives
-- the accounts it names (a deletion is one of its entries).
CREATE TABLE latchkey_admin_audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    admin_id    INTEGER,
    admin_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    target_name TEXT NOT NULL,
    reason      TEXT
);
