//! The devices a user is signed in on: listing them, signing them out, and
//! telling a signed-out browser why.

use crate::domain::{ActivityKind, Device, DeviceId, LoginReason};
use crate::sessions::ClientInfo;
use crate::store::SignedOut;

use super::{Auth, AuthError, Me, Sudo};

impl Auth {
    /// Every place `me` is signed in, this browser marked as current.
    pub async fn devices(&self, me: &Me) -> Result<Vec<Device>, AuthError> {
        Ok(self.sessions.devices().list(me.at).await?)
    }

    /// Signs one of `me`'s other devices out (sudo mode): it and its sessions
    /// are deleted, so its next request is anonymous on every app server.
    pub async fn revoke_device(
        &self,
        me: &Me,
        sudo: &Sudo,
        device: DeviceId,
        client: &ClientInfo,
    ) -> Result<(), AuthError> {
        if device == me.at.device {
            return Err(AuthError::ThisDevice);
        }
        sudo.covers(me)?;
        let now = self.clock.seconds();
        self.store
            .transaction(|store| async move {
                store
                    .note_signed_out(me.user.id, SignedOut::Device(device), now)
                    .await?;
                if !store.delete_device(me.user.id, device).await? {
                    return Err(AuthError::NotYourDevice);
                }
                self.record_on(store, me, ActivityKind::DeviceRevoked, client)
                    .await?;
                Ok(())
            })
            .await
    }

    /// Signs every device of `me` out but this one (sudo mode); answers how many.
    pub async fn revoke_other_devices(
        &self,
        me: &Me,
        sudo: &Sudo,
        client: &ClientInfo,
    ) -> Result<u64, AuthError> {
        sudo.covers(me)?;
        let now = self.clock.seconds();
        self.store
            .transaction(|store| async move {
                store
                    .note_signed_out(me.user.id, SignedOut::AllBut(me.at.device), now)
                    .await?;
                let count = store
                    .delete_other_devices(me.user.id, Some(me.at.device))
                    .await?;
                if count > 0 {
                    self.record_on(store, me, ActivityKind::DeviceRevoked, client)
                        .await?;
                }
                Ok(count)
            })
            .await
    }

    /// Why the session `session_id` (the session cookie a request carried
    /// when nobody was signed in on it) ended: what the database still
    /// knows (signed out from another device, idle, too old), or just that
    /// it ended.
    pub async fn why_signed_out(&self, session_id: &str) -> Result<LoginReason, AuthError> {
        let why = self.sessions.table().why_ended(session_id).await?;
        Ok(why.unwrap_or(LoginReason::Ended))
    }
}
