-- The tower-sessions id of the session a device is signed in with, so signing
-- a device out (or deleting the account) deletes its session row at once
-- rather than leaving it to expire.
ALTER TABLE devices ADD COLUMN session_id TEXT;
