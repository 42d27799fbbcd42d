use super::{Db, StoreError};
use crate::domain::{DeviceId, UserId};

/// A stored remember token, found by its selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberRow {
    /// The device it signs back in.
    pub device: DeviceId,
    /// The device's user.
    pub user: UserId,
    /// SHA-256 of the current validator.
    pub validator_hash: Vec<u8>,
    /// SHA-256 of the validator rotated out last, and when (Unix seconds).
    pub previous: Option<(Vec<u8>, i64)>,
    /// Unix seconds.
    pub expires_at: i64,
}

impl Db<'_> {
    /// Replaces a token's validator, keeping the old one's hash for a moment.
    /// False when the token changed meanwhile (another request rotated it first).
    pub(crate) async fn rotate_remember_token(
        &self,
        selector: &str,
        old_hash: &[u8],
        new_hash: &[u8],
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let done = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_remember_tokens
                 SET previous_hash = validator_hash, rotated_at = $1,
                 validator_hash = $2, expires_at = $3
                 WHERE selector = $4 AND validator_hash = $5",
            )
            .bind(now)
            .bind(new_hash)
            .bind(expires_at)
            .bind(selector)
            .bind(old_hash)
        )?;
        Ok(done == 1)
    }

    /// Sets `device`'s token, replacing any it had.
    pub(crate) async fn put_remember_token(
        &self,
        device: DeviceId,
        selector: &str,
        validator_hash: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        // One statement: a device has at most one token (`device_id` is unique).
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_remember_tokens (selector, device_id,
                     validator_hash, expires_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (device_id) DO UPDATE SET selector = excluded.selector,
                     validator_hash = excluded.validator_hash, previous_hash = NULL,
                     rotated_at = NULL, expires_at = excluded.expires_at"
            )
            .bind(selector)
            .bind(device.0)
            .bind(validator_hash)
            .bind(expires_at)
        )?;
        Ok(())
    }

    /// The token with this selector, with its device's user.
    pub(crate) async fn find_remember_token(
        &self,
        selector: &str,
    ) -> Result<Option<RememberRow>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Found {
            device_id: i64,
            user_id: i64,
            validator_hash: Vec<u8>,
            previous_hash: Option<Vec<u8>>,
            rotated_at: Option<i64>,
            expires_at: i64,
        }
        let row: Option<Found> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT t.device_id, d.user_id, t.validator_hash, t.previous_hash,
                 t.rotated_at, t.expires_at
                 FROM latchkey_remember_tokens t
                 JOIN latchkey_devices d ON d.id = t.device_id
                 WHERE t.selector = $1",
            )
            .bind(selector)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|row| RememberRow {
            device: DeviceId(row.device_id),
            user: UserId(row.user_id),
            validator_hash: row.validator_hash,
            previous: row.previous_hash.zip(row.rotated_at),
            expires_at: row.expires_at,
        }))
    }

    /// Deletes a token that has expired.
    pub(crate) async fn delete_remember_token(&self, selector: &str) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_remember_tokens WHERE selector = $1").bind(selector)
        )?;
        Ok(())
    }
}
