use sqlx::Row;

use super::{Store, StoreError};
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

impl Store {
    /// Replaces a token's validator, keeping the old one's hash for a moment.
    /// False when the token changed meanwhile (another request rotated it first).
    pub async fn rotate_remember_token(
        &self,
        selector: &str,
        old_hash: &[u8],
        new_hash: &[u8],
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE remember_tokens
             SET previous_hash = validator_hash, rotated_at = ?, validator_hash = ?, expires_at = ?
             WHERE selector = ? AND validator_hash = ?",
        )
        .bind(now)
        .bind(new_hash)
        .bind(expires_at)
        .bind(selector)
        .bind(old_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets `device`'s token, replacing any it had.
    pub async fn put_remember_token(
        &self,
        device: DeviceId,
        selector: &str,
        validator_hash: &[u8],
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM remember_tokens WHERE device_id = ?")
            .bind(device.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO remember_tokens (selector, device_id, validator_hash, expires_at) VALUES (?, ?, ?, ?)")
            .bind(selector)
            .bind(device.0)
            .bind(validator_hash)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token with this selector, with its device's user.
    pub async fn find_remember_token(
        &self,
        selector: &str,
    ) -> Result<Option<RememberRow>, StoreError> {
        let row = sqlx::query(
            "SELECT t.device_id, d.user_id, t.validator_hash, t.previous_hash, t.rotated_at, t.expires_at
             FROM remember_tokens t JOIN devices d ON d.id = t.device_id WHERE t.selector = ?",
        )
        .bind(selector)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| RememberRow {
            device: DeviceId(row.get("device_id")),
            user: UserId(row.get("user_id")),
            validator_hash: row.get("validator_hash"),
            previous: row
                .get::<Option<Vec<u8>>, _>("previous_hash")
                .zip(row.get::<Option<i64>, _>("rotated_at")),
            expires_at: row.get("expires_at"),
        }))
    }

    /// Deletes a token that has expired.
    pub async fn delete_remember_token(&self, selector: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM remember_tokens WHERE selector = ?")
            .bind(selector)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
