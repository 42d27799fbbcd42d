//! Second factors: each account's TOTP secret (sealed) and recovery codes
//! (hashed).

use super::{Db, StoreError};
use crate::domain::UserId;
use crate::factors::recovery::StoredCode;

/// An account's TOTP row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TotpRow {
    /// The secret, sealed ([`crate::factors::SecretBox`]).
    #[sqlx(rename = "secret")]
    pub sealed: Vec<u8>,
    /// When its first code confirmed it; `None` while enrolling.
    pub confirmed_at: Option<i64>,
    /// The last step a code was accepted for.
    pub last_step: i64,
}

impl Db<'_> {
    /// `user`'s TOTP row, confirmed or not.
    pub(crate) async fn totp(&self, user: UserId) -> Result<Option<TotpRow>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT secret, confirmed_at, last_step FROM latchkey_totp WHERE user_id = $1"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?)
    }

    /// Starts (or restarts) enrolment: an unconfirmed secret for `user`. A
    /// confirmed one is left alone (answers `false`).
    pub(crate) async fn put_unconfirmed_totp(
        &self,
        user: UserId,
        sealed: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_totp (user_id, secret, confirmed_at, last_step, created_at)
                 VALUES ($1, $2, NULL, 0, $3)
                 ON CONFLICT (user_id) DO UPDATE SET secret = $2, last_step = 0, created_at = $3
                 WHERE latchkey_totp.confirmed_at IS NULL"
            )
            .bind(user.0)
            .bind(sealed)
            .bind(now)
        )?;
        Ok(changed > 0)
    }

    /// Uses `step` of `user`'s TOTP, once: answers whether no code of this
    /// step or a later one was used before (two requests with one code: one
    /// wins). With `confirm`, an unconfirmed secret becomes confirmed.
    pub(crate) async fn use_totp_step(
        &self,
        user: UserId,
        step: i64,
        confirm: Option<i64>,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_totp SET last_step = $1,
                     confirmed_at = COALESCE(confirmed_at, $3)
                 WHERE user_id = $2 AND last_step < $1
                   AND (confirmed_at IS NOT NULL OR $3 IS NOT NULL)"
            )
            .bind(step)
            .bind(user.0)
            .bind(confirm)
        )?;
        Ok(changed > 0)
    }

    /// Whether `user` has a second factor: a confirmed TOTP or a passkey
    /// (one query: every sign-in asks).
    pub(crate) async fn has_second_factor(&self, user: UserId) -> Result<bool, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM latchkey_totp
                                WHERE user_id = $1 AND confirmed_at IS NOT NULL)
                     OR EXISTS (SELECT 1 FROM latchkey_passkeys WHERE user_id = $1)"
            )
            .bind(user.0)
            .fetch_one(pool)
            .await
        )?)
    }

    /// Removes `user`'s TOTP; answers whether it was a confirmed one.
    pub(crate) async fn delete_totp(&self, user: UserId) -> Result<bool, StoreError> {
        let confirmed: Option<bool> = on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "DELETE FROM latchkey_totp WHERE user_id = $1
                 RETURNING confirmed_at IS NOT NULL"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(confirmed == Some(true))
    }

    /// Removes `user`'s recovery codes.
    pub(crate) async fn delete_recovery_codes(&self, user: UserId) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_recovery_codes WHERE user_id = $1").bind(user.0)
        )?;
        Ok(())
    }

    /// Removes every second factor of `user`'s made at or after `since`: the
    /// authenticator, passkeys and recovery codes an intruder may have added
    /// once they held the account. Answers how many went.
    pub(crate) async fn delete_factors_since(
        &self,
        user: UserId,
        since: i64,
    ) -> Result<u64, StoreError> {
        let mut removed = 0;
        for table in [
            "latchkey_totp",
            "latchkey_passkeys",
            "latchkey_recovery_codes",
        ] {
            removed += execute!(
                self,
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE user_id = $1 AND created_at >= $2"
                ))
                .bind(user.0)
                .bind(since)
            )?;
        }
        Ok(removed)
    }

    /// Replaces `user`'s recovery codes with these.
    pub(crate) async fn replace_recovery_codes(
        &self,
        user: UserId,
        codes: &[StoredCode],
        now: i64,
    ) -> Result<(), StoreError> {
        self.delete_recovery_codes(user).await?;
        for code in codes {
            execute!(
                self,
                sqlx::query(
                    "INSERT INTO latchkey_recovery_codes (user_id, salt, code_hash, created_at)
                     VALUES ($1, $2, $3, $4)"
                )
                .bind(user.0)
                .bind(code.salt.as_slice())
                .bind(code.hash.as_slice())
                .bind(now)
            )?;
        }
        Ok(())
    }

    /// `user`'s unused recovery codes, as stored.
    pub(crate) async fn unused_recovery_codes(
        &self,
        user: UserId,
    ) -> Result<Vec<StoredCode>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            salt: Vec<u8>,
            code_hash: Vec<u8>,
        }
        let rows: Vec<Row> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT salt, code_hash FROM latchkey_recovery_codes
                 WHERE user_id = $1 AND used_at IS NULL"
            )
            .bind(user.0)
            .fetch_all(pool)
            .await
        )?;
        Ok(rows
            .into_iter()
            .map(|row| StoredCode {
                salt: row.salt,
                hash: row.code_hash,
            })
            .collect())
    }

    /// Uses `user`'s recovery code with this hash, once.
    pub(crate) async fn use_recovery_code(
        &self,
        user: UserId,
        hash: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_recovery_codes SET used_at = $1
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL"
            )
            .bind(now)
            .bind(user.0)
            .bind(hash)
        )?;
        Ok(changed > 0)
    }

    /// How many of `user`'s recovery codes are unused.
    pub(crate) async fn recovery_codes_left(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM latchkey_recovery_codes WHERE user_id = $1 AND used_at IS NULL"
            )
            .bind(user.0)
            .fetch_one(pool)
            .await
        )?)
    }
}
