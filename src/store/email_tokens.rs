//! The single-use tokens of the links mailed to accounts' addresses: only
//! their hashes are stored, each is taken once, and a change of credentials
//! voids the ones outstanding.

use super::{Db, StoreError};
use crate::domain::UserId;

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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TakenToken {
    /// Whose it is.
    #[sqlx(rename = "user_id", try_from = "i64")]
    pub user: UserId,
    /// The key of the address it went to.
    pub email_key: String,
    /// That address as typed, if the token kept it.
    pub email: Option<String>,
    /// When it was made.
    pub created_at: i64,
}

impl Db<'_> {
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
        Ok(on_pool!(
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
        )?)
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
