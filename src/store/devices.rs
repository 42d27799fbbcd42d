use rusqlite::OptionalExtension;

use super::users::UserRow;
use super::{Db, StoreError};
use crate::domain::{CurrentUser, DeviceId, UserId};

/// A device about to be recorded at sign-in.
pub struct NewDevice<'a> {
    /// Whose.
    pub user: UserId,
    /// The browser's User-Agent header.
    pub user_agent: &'a str,
    /// The client's address.
    pub ip: &'a str,
    /// Whether "Remember me" was ticked.
    pub remembered: bool,
    /// How it signed in ("password and authenticator code").
    pub signed_in_with: &'a str,
    /// Unix seconds.
    pub now: i64,
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceRow {
    /// Its id.
    #[sqlx(try_from = "i64")]
    pub id: DeviceId,
    /// The User-Agent header it signed in with.
    pub user_agent: String,
    /// The address it signed in from.
    pub ip: String,
    /// Whether "Remember me" was ticked.
    pub remembered: bool,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// Unix seconds.
    pub last_active_at: i64,
    /// When its sign-in ends if nothing more happens (Unix seconds): its
    /// remember-me token's expiry, else its live session's.
    pub ends_at: Option<i64>,
    /// How it signed in; `None` for devices older than that record.
    pub signed_in_with: Option<String>,
}

impl Db<'_> {
    /// Records a signed-in device.
    pub(crate) async fn insert_device(
        &self,
        device: NewDevice<'_>,
    ) -> Result<DeviceId, StoreError> {
        let id: i64 = on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "INSERT INTO latchkey_devices (user_id, user_agent, ip, remembered,
                 signed_in_at, last_active_at, signed_in_with)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 RETURNING id",
            )
            .bind(device.user.0)
            .bind(device.user_agent)
            .bind(device.ip)
            .bind(device.remembered)
            .bind(device.now)
            .bind(device.now)
            .bind(device.signed_in_with)
            .fetch_one(pool)
            .await
        )?;
        Ok(DeviceId(id))
    }

    /// `user`'s signed-in view, if `device` is still signed in as them: the
    /// device check and the user load in one indexed query, the one every
    /// signed-in request runs.
    pub(crate) async fn live_device_user(
        &self,
        device: DeviceId,
        user: UserId,
    ) -> Result<Option<CurrentUser>, StoreError> {
        const SQL: &str = "SELECT u.id, u.username, u.display_name,
                   u.email_key IS NOT NULL AS has_email,
                   u.email_verified_at IS NOT NULL AS email_verified
            FROM latchkey_devices d JOIN latchkey_users u ON u.id = d.user_id
            WHERE d.id = $1 AND d.user_id = $2";
        let row: Option<UserRow> = match self.readers() {
            Some(readers) => readers.with(|db| {
                db.prepare_cached(SQL)?
                    .query_row([device.0, user.0], |row| {
                        Ok(UserRow {
                            id: row.get(0)?,
                            username: row.get(1)?,
                            display_name: row.get(2)?,
                            has_email: row.get(3)?,
                            email_verified: row.get(4)?,
                        })
                    })
                    .optional()
            })?,
            None => on_pool!(
                self,
                pool,
                sqlx::query_as(SQL)
                    .bind(device.0)
                    .bind(user.0)
                    .fetch_optional(pool)
                    .await
            )?,
        };
        Ok(row.map(CurrentUser::from))
    }

    /// Notes that a device was used.
    pub(crate) async fn touch_device(&self, device: DeviceId, now: i64) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("UPDATE latchkey_devices SET last_active_at = $1 WHERE id = $2")
                .bind(now)
                .bind(device.0)
        )?;
        Ok(())
    }

    /// Every device of a user that is signed in at `now`: remembered, or with
    /// a live session. Most recently active first.
    pub(crate) async fn list_devices(
        &self,
        user: UserId,
        now: i64,
    ) -> Result<Vec<DeviceRow>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, user_agent, ip, remembered, signed_in_at, last_active_at,
                 COALESCE(
                     (SELECT MAX(t.expires_at) FROM latchkey_remember_tokens t
                      WHERE t.device_id = d.id),
                     (SELECT MAX(s.expires_at) FROM latchkey_sessions s
                      WHERE s.device_id = d.id AND s.expires_at > $2)
                 ) AS ends_at, signed_in_with
                 FROM latchkey_devices d
                 WHERE user_id = $1 AND (remembered OR EXISTS (
                     SELECT 1 FROM latchkey_sessions s
                     WHERE s.device_id = d.id AND s.expires_at > $2
                 ))
                 ORDER BY last_active_at DESC, id DESC"
            )
            .bind(user.0)
            .bind(now)
            .fetch_all(pool)
            .await
        )?)
    }

    /// Deletes one of `user`'s devices, its sessions and its remember token
    /// (the foreign keys cascade); false when it is not theirs or is gone.
    pub(crate) async fn delete_device(
        &self,
        user: UserId,
        device: DeviceId,
    ) -> Result<bool, StoreError> {
        let deleted = execute!(
            self,
            sqlx::query("DELETE FROM latchkey_devices WHERE id = $1 AND user_id = $2")
                .bind(device.0)
                .bind(user.0)
        )?;
        Ok(deleted > 0)
    }

    /// Deletes a device whoever owns it (a stolen remember cookie's), with its sessions.
    pub(crate) async fn delete_device_by_id(&self, device: DeviceId) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_devices WHERE id = $1").bind(device.0)
        )?;
        Ok(())
    }

    /// Deletes all of `user`'s devices but `keep` (all of them with `None`),
    /// with their sessions; returns how many devices.
    pub(crate) async fn delete_other_devices(
        &self,
        user: UserId,
        keep: Option<DeviceId>,
    ) -> Result<u64, StoreError> {
        Ok(execute!(
            self,
            sqlx::query(
                "DELETE FROM latchkey_devices WHERE user_id = $1 AND id IS DISTINCT FROM $2"
            )
            .bind(user.0)
            .bind(keep.map(|d| d.0))
        )?)
    }
}

impl Db<'_> {
    /// Deletes the devices signed in before `before` that are not remembered
    /// and have no session live at `now`: their browsers can never come back.
    pub(crate) async fn delete_unused_devices(
        &self,
        now: i64,
        before: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "DELETE FROM latchkey_devices
                 WHERE NOT remembered AND signed_in_at < $1 AND NOT EXISTS (
                     SELECT 1 FROM latchkey_sessions s
                     WHERE s.device_id = latchkey_devices.id AND s.expires_at > $2
                 )"
            )
            .bind(before)
            .bind(now)
        )?;
        Ok(())
    }
}
