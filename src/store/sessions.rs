//! The `sessions` table: one row per browser session, holding its data as
//! JSON and, while someone is signed in on it, its user and device as columns
//! whose foreign keys cascade. Deleting a device or a user deletes its
//! sessions in the same statement, on every app server at once.

use rusqlite::OptionalExtension;

use super::{Db, StoreError};
use crate::domain::{CurrentUser, DeviceId, UserId};

/// A session as written: its id, its data, whose it is, and until when it lives.
#[derive(Debug, Clone, Copy)]
pub struct SessionWrite<'a> {
    /// The session's id as its cookie carries it.
    pub id: &'a str,
    /// The session's data, as JSON.
    pub data: &'a str,
    /// Who is signed in on it, and on which device; `None` while anonymous.
    pub owner: Option<(UserId, DeviceId)>,
    /// Unix seconds after which it is no longer read.
    pub expires_at: i64,
}

/// A live session as read: its data and, when someone is signed in on it,
/// that user's view, from the same indexed read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRead {
    /// The session's data, as JSON.
    pub data: String,
    /// Unix seconds after which it is no longer read.
    pub expires_at: i64,
    /// The signed-in user, while the session has one.
    pub user: Option<CurrentUser>,
}

/// What writing a new session did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// The row is written.
    Written,
    /// Another session has that id; the caller draws another.
    IdTaken,
    /// Its device or user was deleted meanwhile: nothing was written, so a
    /// signed-out device never gets a session back.
    OwnerGone,
}

/// The one read every request with a session cookie makes. The user comes
/// from the row's own `user_id`; the foreign keys guarantee that a row still
/// standing has its device and user.
const LOAD: &str = "SELECT s.data, s.expires_at, u.id, u.username, u.display_name,
                           u.email_key IS NOT NULL AS has_email,
                           u.email_verified_at IS NOT NULL AS email_verified
                    FROM latchkey_sessions s LEFT JOIN latchkey_users u ON u.id = s.user_id
                    WHERE s.id = $1 AND s.expires_at > $2";

/// [`LOAD`]'s row: the user's columns are null once the session names no one.
#[derive(sqlx::FromRow)]
struct LoadRow {
    data: String,
    expires_at: i64,
    id: Option<i64>,
    username: Option<String>,
    display_name: Option<String>,
    has_email: bool,
    email_verified: bool,
}

impl Db<'_> {
    /// The session `id` if it lives at `now`, with its signed-in user.
    pub(crate) async fn load_session(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<SessionRead>, StoreError> {
        let row: Option<LoadRow> = match self.readers() {
            Some(readers) => readers.with(|db| {
                db.prepare_cached(LOAD)?
                    .query_row(rusqlite::params![id, now], |row| {
                        Ok(LoadRow {
                            data: row.get(0)?,
                            expires_at: row.get(1)?,
                            id: row.get(2)?,
                            username: row.get(3)?,
                            display_name: row.get(4)?,
                            has_email: row.get(5)?,
                            email_verified: row.get(6)?,
                        })
                    })
                    .optional()
            })?,
            None => on_pool!(
                self,
                pool,
                sqlx::query_as(LOAD)
                    .bind(id)
                    .bind(now)
                    .fetch_optional(pool)
                    .await
            )?,
        };
        Ok(row.map(|row| {
            let email = (row.has_email, row.email_verified);
            let user =
                match (row.id, row.username, row.display_name) {
                    (Some(id), Some(username), Some(display_name)) => Some(
                        super::users::current_user(id, username, display_name, email),
                    ),
                    _ => None,
                };
            SessionRead {
                data: row.data,
                expires_at: row.expires_at,
                user,
            }
        }))
    }

    /// Writes a new session, unless its id is taken or its owner is gone.
    pub(crate) async fn create_session(
        &self,
        session: SessionWrite<'_>,
    ) -> Result<Created, StoreError> {
        let (user, device) = split(session.owner);
        let written = execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_sessions (id, user_id, device_id, data, expires_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING"
            )
            .bind(session.id)
            .bind(user)
            .bind(device)
            .bind(session.data)
            .bind(session.expires_at)
        );
        match written {
            Ok(1) => Ok(Created::Written),
            Ok(_) => Ok(Created::IdTaken),
            Err(e) if is_foreign_key_violation(&e) => Ok(Created::OwnerGone),
            Err(e) => Err(e.into()),
        }
    }

    /// Rewrites a session that exists. A session deleted meanwhile (signed
    /// out, revoked, its account deleted) stays deleted: this never inserts.
    pub(crate) async fn update_session(&self, session: SessionWrite<'_>) -> Result<(), StoreError> {
        let (user, device) = split(session.owner);
        let updated = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_sessions
                 SET user_id = $1, device_id = $2, data = $3, expires_at = $4
                 WHERE id = $5"
            )
            .bind(user)
            .bind(device)
            .bind(session.data)
            .bind(session.expires_at)
            .bind(session.id)
        );
        match updated {
            Ok(_) => Ok(()),
            // Its device went between the read and this write: so does it.
            Err(e) if is_foreign_key_violation(&e) => self.delete_session(session.id).await,
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a session.
    pub(crate) async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_sessions WHERE id = $1").bind(id)
        )?;
        Ok(())
    }

    /// Deletes every session past its expiry at `now`; returns how many.
    pub(crate) async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        Ok(execute!(
            self,
            sqlx::query("DELETE FROM latchkey_sessions WHERE expires_at <= $1").bind(now)
        )?)
    }

    /// How many sessions `user` is signed in with.
    #[cfg(test)]
    pub(crate) async fn count_sessions(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_sessions WHERE user_id = $1")
                .bind(user.0)
                .fetch_one(pool)
                .await
        )?)
    }
}

fn split(owner: Option<(UserId, DeviceId)>) -> (Option<i64>, Option<i64>) {
    owner.map_or((None, None), |(user, device)| {
        (Some(user.0), Some(device.0))
    })
}

fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_foreign_key_violation())
}
