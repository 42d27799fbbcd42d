//! Passkeys: each account's WebAuthn credentials and user handle, and the
//! challenges already answered.

use super::{Db, StoreError};
use crate::domain::{PasskeyId, UserId};

/// A stored passkey.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PasskeyRow {
    /// Its row.
    #[sqlx(try_from = "i64")]
    pub id: PasskeyId,
    /// Whose it is.
    #[sqlx(rename = "user_id", try_from = "i64")]
    pub user: UserId,
    /// The name its owner gave it.
    pub name: String,
    /// webauthn-rs's record (JSON).
    pub passkey: String,
    /// When it was added.
    pub created_at: i64,
    /// When it last signed in or confirmed something.
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, name, passkey, created_at, last_used_at";

impl Db<'_> {
    /// `user`'s WebAuthn user handle, if they have made one.
    pub(crate) async fn webauthn_handle(
        &self,
        user: UserId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let handle: Option<Option<Vec<u8>>> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT webauthn_handle FROM latchkey_users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await
        )?;
        Ok(handle.flatten())
    }

    /// Gives `user` this handle unless they have one; answers theirs.
    pub(crate) async fn ensure_webauthn_handle(
        &self,
        user: UserId,
        fresh: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET webauthn_handle = $1
                 WHERE id = $2 AND webauthn_handle IS NULL"
            )
            .bind(fresh)
            .bind(user.0)
        )?;
        Ok(self
            .webauthn_handle(user)
            .await?
            .unwrap_or_else(|| fresh.to_vec()))
    }

    /// The account whose handle this is.
    pub(crate) async fn user_by_webauthn_handle(
        &self,
        handle: &[u8],
    ) -> Result<Option<UserId>, StoreError> {
        let id: Option<i64> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT id FROM latchkey_users WHERE webauthn_handle = $1")
                .bind(handle)
                .fetch_optional(pool)
                .await
        )?;
        Ok(id.map(UserId))
    }

    /// `user`'s passkeys, oldest first.
    pub(crate) async fn passkeys(&self, user: UserId) -> Result<Vec<PasskeyRow>, StoreError> {
        let rows: Vec<PasskeyRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM latchkey_passkeys WHERE user_id = $1 ORDER BY id"
            ))
            .bind(user.0)
            .fetch_all(pool)
            .await
        )?;
        Ok(rows)
    }

    /// How many passkeys `user` has.
    pub(crate) async fn passkey_count(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_passkeys WHERE user_id = $1")
                .bind(user.0)
                .fetch_one(pool)
                .await
        )?)
    }

    /// The passkey with this credential id, whoever's it is.
    pub(crate) async fn passkey_by_credential(
        &self,
        credential: &[u8],
    ) -> Result<Option<PasskeyRow>, StoreError> {
        let found: Option<PasskeyRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM latchkey_passkeys WHERE credential_id = $1"
            ))
            .bind(credential)
            .fetch_optional(pool)
            .await
        )?;
        Ok(found)
    }

    /// Adds a passkey; answers `false` if its credential is already stored
    /// (on any account).
    pub(crate) async fn add_passkey(
        &self,
        user: UserId,
        credential: &[u8],
        name: &str,
        passkey: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let added = execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_passkeys (user_id, credential_id, name, passkey, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (credential_id) DO NOTHING"
            )
            .bind(user.0)
            .bind(credential)
            .bind(name)
            .bind(passkey)
            .bind(now)
        )?;
        Ok(added > 0)
    }

    /// Notes a use of the passkey, with its record as updated (counter,
    /// backup state).
    pub(crate) async fn passkey_used(
        &self,
        id: PasskeyId,
        passkey: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3"
            )
            .bind(passkey)
            .bind(now)
            .bind(id.0)
        )?;
        Ok(())
    }

    /// Renames `user`'s passkey; answers whether it is theirs.
    pub(crate) async fn rename_passkey(
        &self,
        user: UserId,
        id: PasskeyId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query("UPDATE latchkey_passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
                .bind(name)
                .bind(id.0)
                .bind(user.0)
        )?;
        Ok(changed > 0)
    }

    /// Removes `user`'s passkey; answers whether it was theirs.
    pub(crate) async fn delete_passkey(
        &self,
        user: UserId,
        id: PasskeyId,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query("DELETE FROM latchkey_passkeys WHERE id = $1 AND user_id = $2")
                .bind(id.0)
                .bind(user.0)
        )?;
        Ok(changed > 0)
    }

    /// Removes every passkey of `user`'s.
    pub(crate) async fn delete_passkeys(&self, user: UserId) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_passkeys WHERE user_id = $1").bind(user.0)
        )?;
        Ok(())
    }

    /// Spends a challenge: answers `true` the first time only, however many
    /// requests bring it at once. Spent challenges are forgotten once they
    /// could no longer be answered anyway.
    pub(crate) async fn spend_challenge(
        &self,
        challenge: &[u8],
        expires_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_spent_challenges WHERE expires_at < $1").bind(now)
        )?;
        let spent = execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_spent_challenges (challenge, expires_at) VALUES ($1, $2)
                 ON CONFLICT (challenge) DO NOTHING"
            )
            .bind(challenge)
            .bind(expires_at)
        )?;
        Ok(spent > 0)
    }
}
