//! Accounts' email addresses, and the single-use tokens mailed to them.

use super::{Pool, Store, StoreError};
use crate::domain::{EmailAddress, UserId};

/// A token to store: only its hash.
#[derive(Debug, Clone, Copy)]
pub struct NewEmailToken<'a> {
    /// SHA-256 of the token in the link.
    pub hash: &'a [u8],
    /// Whose.
    pub user: UserId,
    /// What following it does (`verify`, ...).
    pub purpose: &'a str,
    /// The address (its key) it was mailed to.
    pub email_key: &'a str,
    /// That address as typed, when it is not (or no longer) the account's.
    pub email: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
}

/// A link's token, used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenToken {
    /// Whose it is.
    pub user: UserId,
    /// The key of the address it went to.
    pub email_key: String,
    /// That address as typed, if the token kept it.
    pub email: Option<String>,
    /// When it was made.
    pub created_at: i64,
}

/// The account that has verified an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressOwner {
    /// The account.
    pub user: UserId,
    /// The address as its owner gave it.
    pub email: String,
    /// The account's username.
    pub username: String,
}

impl Store {
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
        let row: Option<(i64, String, String)> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, email, username FROM latchkey_users
                 WHERE email_key = $1 AND email_verified_at IS NOT NULL"
            )
            .bind(email_key)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|(id, email, username)| AddressOwner {
            user: UserId(id),
            email,
            username,
        }))
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
        let rows: Vec<(i64, String, String)> = on_pool!(
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
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, email, username)| AddressOwner {
                user: UserId(id),
                email,
                username,
            })
            .collect())
    }

    /// `user`'s address, username and new-device choice, if the address is
    /// verified: where notices go.
    pub(crate) async fn notice_address(
        &self,
        user: UserId,
    ) -> Result<Option<(AddressOwner, bool)>, StoreError> {
        let row: Option<(String, String, bool)> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT email, username, notify_new_device FROM latchkey_users
                 WHERE id = $1 AND email_verified_at IS NOT NULL"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|(email, username, new_device)| {
            let owner = AddressOwner {
                user,
                email,
                username,
            };
            (owner, new_device)
        }))
    }

    /// `user`'s address, whether it is verified, and their new-device choice.
    pub(crate) async fn email_settings(
        &self,
        user: UserId,
    ) -> Result<Option<(Option<String>, bool, bool)>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT email, email_verified_at IS NOT NULL, notify_new_device
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
        let row: Option<(Option<String>, bool)> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT email, email_verified_at IS NOT NULL FROM latchkey_users WHERE id = $1"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.and_then(|(email, verified)| email.map(|email| (email, verified))))
    }

    /// Stores a token's hash.
    pub(crate) async fn insert_email_token(
        &self,
        token: NewEmailToken<'_>,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_email_tokens
                     (token_hash, user_id, purpose, email_key, email, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            )
            .bind(token.hash)
            .bind(token.user.0)
            .bind(token.purpose)
            .bind(token.email_key)
            .bind(token.email)
            .bind(token.now)
            .bind(token.expires_at)
        )?;
        Ok(())
    }

    /// Uses the token with this hash for `purpose`, once: answers whose it is
    /// and the address it went to, or `None` if it is unknown, used, expired,
    /// for something else, or its account is locked (every kind of link, so
    /// no use case can forget it). Two requests with one token: one wins.
    pub(crate) async fn take_email_token(
        &self,
        hash: &[u8],
        purpose: &str,
        now: i64,
    ) -> Result<Option<TakenToken>, StoreError> {
        let row: Option<(i64, String, Option<String>, i64)> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "UPDATE latchkey_email_tokens SET used_at = $1
                 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
                   AND NOT EXISTS (SELECT 1 FROM latchkey_users u
                                   WHERE u.id = latchkey_email_tokens.user_id
                                     AND u.locked_at IS NOT NULL)
                 RETURNING user_id, email_key, email, created_at"
            )
            .bind(now)
            .bind(hash)
            .bind(purpose)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|(user, email_key, email, created_at)| TakenToken {
            user: UserId(user),
            email_key,
            email,
            created_at,
        }))
    }

    /// Whose the live `purpose` token with this hash is, without using it
    /// (to check what it will be used for first).
    pub(crate) async fn peek_email_token(
        &self,
        hash: &[u8],
        purpose: &str,
        now: i64,
    ) -> Result<Option<UserId>, StoreError> {
        let user: Option<i64> = on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT t.user_id FROM latchkey_email_tokens t
                 JOIN latchkey_users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
                   AND t.expires_at > $3 AND u.locked_at IS NULL"
            )
            .bind(hash)
            .bind(purpose)
            .bind(now)
            .fetch_optional(pool)
            .await
        )?;
        Ok(user.map(UserId))
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

    /// Makes every unused link of `user` worthless (after an address was
    /// taken back from whoever changed it).
    pub(crate) async fn void_email_tokens(
        &self,
        user: UserId,
        now: i64,
    ) -> Result<u64, StoreError> {
        Ok(execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_email_tokens SET used_at = $1
                 WHERE user_id = $2 AND used_at IS NULL"
            )
            .bind(now)
            .bind(user.0)
        )?)
    }

    /// Makes every unused link of `user` worthless but those for `kept`.
    pub(crate) async fn void_email_tokens_but(
        &self,
        user: UserId,
        kept: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        Ok(execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_email_tokens SET used_at = $1
                 WHERE user_id = $2 AND used_at IS NULL AND purpose <> $3"
            )
            .bind(now)
            .bind(user.0)
            .bind(kept)
        )?)
    }

    /// Holds `user`'s row until the transaction ends, so that a count of
    /// their mail and the mail it allows are one step under parallel
    /// requests. (SQLite's transactions already take the write lock at
    /// `BEGIN IMMEDIATE`; PostgreSQL's need the row lock.)
    pub(crate) async fn lock_user(&self, user: UserId) -> Result<(), StoreError> {
        if let Pool::Postgres(_) = self.pool {
            execute!(
                self,
                sqlx::query("SELECT id FROM latchkey_users WHERE id = $1 FOR UPDATE").bind(user.0)
            )?;
        }
        Ok(())
    }

    /// How many `purpose` tokens `user` was sent since `since`; under
    /// [`Store::lock_user`] when a limit depends on it.
    pub(crate) async fn email_tokens_since(
        &self,
        user: UserId,
        purpose: &str,
        since: i64,
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM latchkey_email_tokens
                 WHERE user_id = $1 AND purpose = $2 AND created_at >= $3"
            )
            .bind(user.0)
            .bind(purpose)
            .bind(since)
            .fetch_one(pool)
            .await
        )?)
    }
}
