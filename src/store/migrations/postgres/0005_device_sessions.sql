-- The tower-sessions id of the session a device is signed in with, so signing
-- a device out (or deleting the account) deletes its session row at once.
ALTER TABLE devices ADD COLUMN session_id TEXT;
