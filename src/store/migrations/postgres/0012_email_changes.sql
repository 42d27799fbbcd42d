-- A link mailed to an address the account does not have yet (the one it is
-- moving to) or no longer has (the one it left, for undo) carries that
-- address as it was typed; the other links leave it empty.
ALTER TABLE latchkey_email_tokens ADD COLUMN email TEXT;

-- Whether the account wants a mail when a device it has not used before
-- signs in.
ALTER TABLE latchkey_users ADD COLUMN notify_new_device BOOLEAN NOT NULL DEFAULT FALSE;
