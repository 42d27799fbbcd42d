//! Accounts' email addresses (the single-use links mailed to them are in
//! [`super::email_tokens`]).

use super::{Db, StoreError};
use crate::domain::{EmailAddress, UserId};

/// The account that has verified an address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AddressOwner {
    /// The account.
    #[sqlx(rename = "id", try_from = "i64")]
    pub user: UserId,
    /// The address as its owner gave it.
    pub email: String,
    /// The account's username.
    pub username: String,
}

/// An account's address and mail choices, as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EmailSettingsRow {
    /// The address, if any.
    pub(crate) email: Option<String>,
    /// Whether it is verified.
    pub(crate) verified: bool,
    /// Whether a new device's sign-in is mailed about.
    pub(crate) notify_new_device: bool,
}

impl Db<'_> {
    /// Gives `user` the address `email`, not yet verified.
    pub(crate) async fn set_unverified_email(
        &self,
        user: UserId,
        email: &EmailAddress,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET email = $1, email_key = $2, email_verified_at = NULL
                 WHERE id = $3"
            )
            .bind(email.as_str())
            .bind(email.key())
            .bind(user.0)
        )?;
        Ok(())
    }

    /// The account that has verified the address with this key, if any.
    pub(crate) async fn verified_owner(
        &self,
        email_key: &str,
    ) -> Result<Option<AddressOwner>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, email, username FROM latchkey_users
                 WHERE email_key = $1 AND email_verified_at IS NOT NULL"
            )
            .bind(email_key)
            .fetch_optional(pool)
            .await
        )?)
    }

    /// Who may get a link mailed to the address with this key: its verified
    /// owner if it has one; otherwise, with `unverified_too`, up to `limit`
    /// accounts that gave it and have not confirmed it.
    pub(crate) async fn address_holders(
        &self,
        email_key: &str,
        unverified_too: bool,
        limit: i64,
    ) -> Result<Vec<AddressOwner>, StoreError> {
        if let Some(owner) = self.verified_owner(email_key).await? {
            return Ok(vec![owner]);
        }
        if !unverified_too {
            return Ok(Vec::new());
        }
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, email, username FROM latchkey_users
                 WHERE email_key = $1 AND email_verified_at IS NULL ORDER BY id LIMIT $2"
            )
            .bind(email_key)
            .bind(limit)
            .fetch_all(pool)
            .await
        )?)
    }

    /// `user`'s address, username and new-device choice, if the address is
    /// verified: where notices go.
    pub(crate) async fn notice_address(
        &self,
        user: UserId,
    ) -> Result<Option<(AddressOwner, bool)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            owner: AddressOwner,
            notify_new_device: bool,
        }
        let row: Option<Row> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, email, username, notify_new_device FROM latchkey_users
                 WHERE id = $1 AND email_verified_at IS NOT NULL"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|row| (row.owner, row.notify_new_device)))
    }

    /// `user`'s address, whether it is verified, and their new-device choice.
    pub(crate) async fn email_settings(
        &self,
        user: UserId,
    ) -> Result<Option<EmailSettingsRow>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT email, email_verified_at IS NOT NULL AS verified, notify_new_device
                 FROM latchkey_users WHERE id = $1"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?)
    }

    /// Whether `user` gets a mail when a new device signs in.
    pub(crate) async fn set_new_device_notices(
        &self,
        user: UserId,
        on: bool,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("UPDATE latchkey_users SET notify_new_device = $1 WHERE id = $2")
                .bind(on)
                .bind(user.0)
        )?;
        Ok(())
    }

    /// Gives `user` the address `email`, verified now: a moved address once
    /// the new one confirms, or the old one put back. Another account
    /// having verified it is a unique violation.
    pub(crate) async fn set_verified_email(
        &self,
        user: UserId,
        email: &EmailAddress,
        now: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET email = $1, email_key = $2, email_verified_at = $3
                 WHERE id = $4"
            )
            .bind(email.as_str())
            .bind(email.key())
            .bind(now)
            .bind(user.0)
        )?;
        Ok(())
    }

    /// `user`'s address as typed, and whether it is verified.
    pub(crate) async fn user_email(
        &self,
        user: UserId,
    ) -> Result<Option<(String, bool)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            email: Option<String>,
            verified: bool,
        }
        let row: Option<Row> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT email, email_verified_at IS NOT NULL AS verified
                 FROM latchkey_users WHERE id = $1"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.and_then(|row| row.email.map(|email| (email, row.verified))))
    }

    /// Marks `user`'s address verified if it is still the one with key
    /// `email_key`; answers whether it was. Another account having verified
    /// it meanwhile is a unique violation.
    pub(crate) async fn mark_email_verified(
        &self,
        user: UserId,
        email_key: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET email_verified_at = $1
                 WHERE id = $2 AND email_key = $3 AND email_verified_at IS NULL"
            )
            .bind(now)
            .bind(user.0)
            .bind(email_key)
        )?;
        Ok(changed > 0)
    }

    /// Holds `user`'s row until the transaction ends, so that a count of
    /// their mail and the mail it allows are one step under parallel
    /// requests. (SQLite's transactions already take the write lock at
    /// `BEGIN IMMEDIATE`; PostgreSQL's need the row lock.)
    pub(crate) async fn lock_user(&self, user: UserId) -> Result<(), StoreError> {
        let backend = self.backend();
        if backend.locks_rows() {
            let sql = format!(
                "SELECT id FROM latchkey_users WHERE id = $1{}",
                backend.hold_rows()
            );
            execute!(self, sqlx::query(&sql).bind(user.0))?;
        }
        Ok(())
    }
}
