-- Mail waiting to be sent, written in the same transaction as the change
-- that causes it, so an acknowledged change never loses its mail. A worker
-- claims due rows by moving `next_attempt_at` past a lease, sends them, and
-- sets `sent_at`; a failure sets the next attempt later (back-off).
CREATE TABLE latchkey_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX latchkey_outbox_due ON latchkey_outbox (next_attempt_at) WHERE sent_at IS NULL;
