//! Why a session is no longer live: the sessions signed out from another
//! device are remembered by id after their rows go; an expired row that the
//! sweep has not yet deleted tells its own story.

use super::{Db, StoreError};
use crate::domain::{DeviceId, UserId};

/// Which of a user's devices are being signed out from another one.
#[derive(Debug, Clone, Copy)]
pub enum SignedOut {
    /// This one device.
    Device(DeviceId),
    /// Every device but this one.
    AllBut(DeviceId),
    /// Every device (a password reset by mail).
    Every,
}

/// What the database knows of a session id that no longer loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// Its device was signed out from another device.
    SignedOutElsewhere,
    /// Its row, signed in, outlived its expiry (the sweep has not run yet).
    Expired {
        /// Unix seconds.
        expires_at: i64,
        /// The session's data, as JSON.
        data: String,
    },
}

impl Db<'_> {
    /// Signs every account out of every device (`server admin
    /// sign-out-everyone`): each signed-in session is noted as ended, then
    /// every device goes, and with it its sessions and remember-me token.
    /// Answers how many devices were signed out.
    pub(crate) async fn sign_out_everyone(&self, now: i64) -> Result<u64, StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_signed_out_sessions (id, ended_at)
                     SELECT id, $1 FROM latchkey_sessions WHERE user_id IS NOT NULL
                     ON CONFLICT (id) DO NOTHING"
            )
            .bind(now)
        )?;
        Ok(execute!(self, sqlx::query("DELETE FROM latchkey_devices"))?)
    }

    /// Remembers the ids of the sessions on the devices `which` of `user` as
    /// signed out from another device. Call it before deleting those
    /// devices, in the same transaction.
    pub(crate) async fn note_signed_out(
        &self,
        user: UserId,
        which: SignedOut,
        now: i64,
    ) -> Result<(), StoreError> {
        // `IS DISTINCT FROM` a missing device is every device (as in
        // `delete_other_devices`).
        let (condition, device) = match which {
            SignedOut::Device(device) => ("device_id = $2", Some(device)),
            SignedOut::AllBut(device) => ("device_id IS DISTINCT FROM $2", Some(device)),
            SignedOut::Every => ("device_id IS DISTINCT FROM $2", None),
        };
        let sql = format!(
            "INSERT INTO latchkey_signed_out_sessions (id, ended_at)
             SELECT id, $3 FROM latchkey_sessions WHERE user_id = $1 AND {condition}
             ON CONFLICT (id) DO NOTHING"
        );
        execute!(
            self,
            sqlx::query(&sql)
                .bind(user.0)
                .bind(device.map(|d| d.0))
                .bind(now)
        )?;
        Ok(())
    }

    /// Why the session `id` is not live at `now`, if the database knows.
    pub(crate) async fn session_end(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<SessionEnd>, StoreError> {
        let elsewhere: Option<i64> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT ended_at FROM latchkey_signed_out_sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
        )?;
        if elsewhere.is_some() {
            return Ok(Some(SessionEnd::SignedOutElsewhere));
        }
        #[derive(sqlx::FromRow)]
        struct Expired {
            expires_at: i64,
            data: String,
        }
        let expired: Option<Expired> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT expires_at, data FROM latchkey_sessions
                 WHERE id = $1 AND expires_at <= $2 AND user_id IS NOT NULL"
            )
            .bind(id)
            .bind(now)
            .fetch_optional(pool)
            .await
        )?;
        Ok(expired.map(|row| SessionEnd::Expired {
            expires_at: row.expires_at,
            data: row.data,
        }))
    }

    /// Forgets the sessions signed out before `before`.
    pub(crate) async fn forget_signed_out_sessions(&self, before: i64) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_signed_out_sessions WHERE ended_at < $1")
                .bind(before)
        )?;
        Ok(())
    }
}
