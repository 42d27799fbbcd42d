//! The devices and sessions context: where a user is signed in, signing
//! devices out, their activity, and telling a signed-out browser why. It is
//! the first capability in the shape of issue 27: a small type over the
//! composition root ([`Auth::devices`]) with its own error enum
//! ([`DeviceError`]), whose variants a form can show.

use crate::domain::{Activity, ActivityKind, Device, DeviceId, LoginReason};
use crate::sessions::ClientInfo;
use crate::store::SignedOut;

use super::{Failure, Me, Sudo};

context!(
    /// Devices and sessions, for one request.
    Devices,
    devices
);

/// What the devices context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The device to sign out is this one: that is logging out.
    #[error("that is this device")]
    ThisDevice,
    /// The device is not one of the user's (or is already gone).
    #[error("that device is not one of yours")]
    NotYourDevice,
    /// The proof of sudo mode is another user's.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(DeviceError);

impl Devices<'_> {
    /// Every place `me` is signed in, this browser marked as current.
    pub async fn list(&self, me: &Me) -> Result<Vec<Device>, DeviceError> {
        Ok(self.auth.sessions.devices().list(me.at).await?)
    }

    /// `me`'s security events, newest first.
    pub async fn activity(&self, me: &Me) -> Result<Vec<Activity>, DeviceError> {
        Ok(self.auth.sessions.activity().list(me.user.id).await?)
    }

    /// Signs one of `me`'s other devices out (sudo mode): it and its sessions
    /// are deleted, so its next request is anonymous on every app server.
    pub async fn revoke(
        &self,
        me: &Me,
        sudo: &Sudo,
        device: DeviceId,
        client: &ClientInfo,
    ) -> Result<(), DeviceError> {
        if device == me.at.device {
            return Err(DeviceError::ThisDevice);
        }
        sudo.covers(me).map_err(|_| DeviceError::ConfirmPassword)?;
        let auth = self.auth;
        let now = auth.clock.seconds();
        let tx = auth.store.begin().await?;
        let db = tx.db();
        db.note_signed_out(me.user.id, SignedOut::Device(device), now)
            .await?;
        if !db.delete_device(me.user.id, device).await? {
            return Err(DeviceError::NotYourDevice);
        }
        auth.record_on(db, me, ActivityKind::DeviceRevoked, client)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Signs every device of `me` out but this one (sudo mode); answers how many.
    pub async fn revoke_others(
        &self,
        me: &Me,
        sudo: &Sudo,
        client: &ClientInfo,
    ) -> Result<u64, DeviceError> {
        sudo.covers(me).map_err(|_| DeviceError::ConfirmPassword)?;
        let auth = self.auth;
        let now = auth.clock.seconds();
        let tx = auth.store.begin().await?;
        let db = tx.db();
        db.note_signed_out(me.user.id, SignedOut::AllBut(me.at.device), now)
            .await?;
        let count = db
            .delete_other_devices(me.user.id, Some(me.at.device))
            .await?;
        if count > 0 {
            auth.record_on(db, me, ActivityKind::DeviceRevoked, client)
                .await?;
        }
        tx.commit().await?;
        Ok(count)
    }

    /// Why the session `session_id` (the session cookie a request carried
    /// when nobody was signed in on it) ended: what the database still
    /// knows (signed out from another device, idle, too old), or just that
    /// it ended.
    pub async fn why_signed_out(&self, session_id: &str) -> Result<LoginReason, DeviceError> {
        let why = self.auth.sessions.table().why_ended(session_id).await?;
        Ok(why.unwrap_or(LoginReason::Ended))
    }
}
