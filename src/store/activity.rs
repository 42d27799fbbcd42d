use super::{Db, StoreError};
use crate::domain::UserId;

/// An activity row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow {
    /// The kind's stored name.
    pub kind: String,
    /// The address.
    pub ip: String,
    /// The User-Agent header.
    pub user_agent: String,
    /// Unix seconds.
    pub at: i64,
}

impl Db<'_> {
    /// Records an event in `user`'s activity.
    pub(crate) async fn insert_activity(
        &self,
        user: UserId,
        kind: &str,
        ip: &str,
        user_agent: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_activity (user_id, kind, ip, user_agent, at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user.0)
            .bind(kind)
            .bind(ip)
            .bind(user_agent)
            .bind(at)
        )?;
        Ok(())
    }

    /// `user`'s latest events, newest first.
    pub(crate) async fn list_activity(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<ActivityRow>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT kind, ip, user_agent, at
                 FROM latchkey_activity
                 WHERE user_id = $1
                 ORDER BY at DESC, id DESC LIMIT $2",
            )
            .bind(user.0)
            .bind(limit)
            .fetch_all(pool)
            .await
        )?)
    }

    /// The id of the account with this name key, if any.
    pub(crate) async fn find_user_id(&self, key: &str) -> Result<Option<UserId>, StoreError> {
        let id: Option<i64> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT id FROM latchkey_users WHERE username_key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
        )?;
        Ok(id.map(UserId))
    }
}
