use rusqlite::OptionalExtension;

use super::{Store, StoreError};
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
    /// Unix seconds.
    pub now: i64,
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// Its id.
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
}

impl Store {
    /// Records a signed-in device.
    pub async fn insert_device(&self, device: NewDevice<'_>) -> Result<DeviceId, StoreError> {
        let id: i64 = on_pool!(self, pool, sqlx::query_scalar(
            &self.sql("INSERT INTO devices (user_id, user_agent, ip, remembered, signed_in_at, last_active_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
        )
        .bind(device.user.0)
        .bind(device.user_agent)
        .bind(device.ip)
        .bind(device.remembered)
        .bind(device.now)
        .bind(device.now)
        .fetch_one(pool).await)?;
        Ok(DeviceId(id))
    }

    /// `user`'s signed-in view, if `device` is still signed in as them: the
    /// device check and the user load in one indexed query, the one every
    /// signed-in request runs.
    pub async fn live_device_user(
        &self,
        device: DeviceId,
        user: UserId,
    ) -> Result<Option<CurrentUser>, StoreError> {
        const SQL: &str = "SELECT u.id, u.username, u.display_name FROM devices d
             JOIN users u ON u.id = d.user_id WHERE d.id = ? AND d.user_id = ?";
        let row: Option<(i64, String, String)> = match &self.readers {
            Some(readers) => readers.with(|db| {
                db.prepare_cached(SQL)?
                    .query_row([device.0, user.0], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()
            })?,
            None => on_pool!(
                self,
                pool,
                sqlx::query_as(&self.sql(SQL))
                    .bind(device.0)
                    .bind(user.0)
                    .fetch_optional(pool)
                    .await
            )?,
        };
        Ok(row.map(|(id, username, display_name)| {
            super::users::current_user(id, username, display_name)
        }))
    }

    /// Notes that a device was used.
    pub async fn touch_device(&self, device: DeviceId, now: i64) -> Result<(), StoreError> {
        on_pool!(
            self,
            pool,
            sqlx::query(&self.sql("UPDATE devices SET last_active_at = ? WHERE id = ?"))
                .bind(now)
                .bind(device.0)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(())
    }

    /// Every device of a user, most recently active first.
    pub async fn list_devices(&self, user: UserId) -> Result<Vec<DeviceRow>, StoreError> {
        let rows: Vec<(i64, String, String, bool, i64, i64)> = on_pool!(
            self,
            pool,
            sqlx::query_as(&self.sql(
                "SELECT id, user_agent, ip, remembered, signed_in_at, last_active_at FROM devices
             WHERE user_id = ? ORDER BY last_active_at DESC, id DESC"
            ),)
            .bind(user.0)
            .fetch_all(pool)
            .await
        )?;
        Ok(rows
            .into_iter()
            .map(
                |(id, user_agent, ip, remembered, signed_in_at, last_active_at)| DeviceRow {
                    id: DeviceId(id),
                    user_agent,
                    ip,
                    remembered,
                    signed_in_at,
                    last_active_at,
                },
            )
            .collect())
    }

    /// Records which session a device is signed in with (after sign-in, a
    /// resumed session or a new session id).
    pub async fn set_device_session(
        &self,
        device: DeviceId,
        session_id: &str,
    ) -> Result<(), StoreError> {
        on_pool!(
            self,
            pool,
            sqlx::query(&self.sql("UPDATE devices SET session_id = ? WHERE id = ?"))
                .bind(session_id)
                .bind(device.0)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(())
    }

    /// Deletes one of `user`'s devices; `None` when it is not theirs or is gone.
    pub async fn delete_device(
        &self,
        user: UserId,
        device: DeviceId,
    ) -> Result<Option<Removed>, StoreError> {
        let removed = Removed::from_rows(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                &self.sql("DELETE FROM devices WHERE id = ? AND user_id = ? RETURNING session_id"),
            )
            .bind(device.0)
            .bind(user.0)
            .fetch_all(pool)
            .await
        )?);
        Ok((removed.devices > 0).then_some(removed))
    }

    /// Deletes a device whoever owns it (a stolen remember cookie's).
    pub async fn delete_device_by_id(&self, device: DeviceId) -> Result<Removed, StoreError> {
        Ok(Removed::from_rows(on_pool!(
            self,
            pool,
            sqlx::query_scalar(&self.sql("DELETE FROM devices WHERE id = ? RETURNING session_id"))
                .bind(device.0)
                .fetch_all(pool)
                .await
        )?))
    }

    /// Deletes all of `user`'s devices but `keep` (all of them with `None`).
    pub async fn delete_other_devices(
        &self,
        user: UserId,
        keep: Option<DeviceId>,
    ) -> Result<Removed, StoreError> {
        Ok(Removed::from_rows(
            on_pool!(self, pool, sqlx::query_scalar(
                &self.sql("DELETE FROM devices WHERE user_id = ? AND id IS DISTINCT FROM ? RETURNING session_id"),
            )
            .bind(user.0)
            .bind(keep.map(|d| d.0))
            .fetch_all(pool).await)?,
        ))
    }
}

/// What deleting devices removed: how many, and the sessions they were signed
/// in with (whose rows the caller deletes from the session store).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    /// How many devices.
    pub devices: u64,
    /// Their session ids.
    pub sessions: Vec<String>,
}

impl Removed {
    fn from_rows(rows: Vec<Option<String>>) -> Self {
        Self {
            devices: rows.len() as u64,
            sessions: rows.into_iter().flatten().collect(),
        }
    }
}
