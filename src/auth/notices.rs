//! Notices mailed to an account's verified address when something about the
//! account changes that its owner should know of even if they did not do it.
//! Each is queued in the transaction of the change it reports, so a change
//! that rolls back mails nothing.

use super::Auth;
use crate::domain::UserId;
use crate::mail::{templates, Mail};
use crate::sessions::ClientInfo;
use crate::store::{AddressOwner, Db, StoreError};
use crate::throttle::KnownBrowser;

impl Auth {
    /// Queues `notice` (built for the address's owner) to `user`'s verified
    /// address, if there is one; an `opt_in` notice only if they chose it.
    /// Answers whether a mail was queued.
    pub(super) async fn notify(
        &self,
        db: Db<'_>,
        user: UserId,
        now: i64,
        opt_in: bool,
        notice: impl FnOnce(&AddressOwner) -> Mail,
    ) -> Result<bool, StoreError> {
        match db.notice_address(user).await? {
            Some((owner, chose)) if chose || !opt_in => {
                notice(&owner)
                    .queue_on(db, crate::domain::UnixTime::from_seconds(now))
                    .await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// "Your password was changed", if `user` has a verified address.
    pub(super) async fn notice_password_changed(
        &self,
        db: Db<'_>,
        user: UserId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let reset = self.links.to("/reset");
        self.notify(db, user, now, false, |owner| {
            templates::password_changed(&owner.email, &owner.username, &reset)
        })
        .await
    }

    /// "A new device signed in", if `user` asked for these, has a verified
    /// address, and this browser (`known`, from its known-browser cookie)
    /// has not signed in to the account before.
    pub(super) async fn notice_new_device(
        &self,
        db: Db<'_>,
        user: UserId,
        known: Option<&KnownBrowser>,
        client: &ClientInfo,
        now: i64,
    ) -> Result<bool, StoreError> {
        if known.is_some_and(|b| b.user == user) {
            return Ok(false);
        }
        let devices = self.links.to("/settings/devices");
        self.notify(db, user, now, true, |owner| {
            templates::new_device(&owner.email, &owner.username, &client.describe(), &devices)
        })
        .await
    }

    /// "A recovery code was used", with how many are left, if `user` has a
    /// verified address.
    pub(super) async fn notice_recovery_code_used(
        &self,
        db: Db<'_>,
        user: UserId,
        client: &ClientInfo,
        now: i64,
    ) -> Result<bool, StoreError> {
        let left = db.recovery_codes_left(user).await?;
        let settings = self.links.to("/settings/security");
        self.notify(db, user, now, false, |owner| {
            let device = client.describe();
            templates::recovery_code_used(&owner.email, &owner.username, &device, left, &settings)
        })
        .await
    }

    /// "A copied sign-in cookie was used", if `user` has a verified address.
    pub(super) async fn notice_remember_theft(
        &self,
        db: Db<'_>,
        user: UserId,
        now: i64,
    ) -> Result<bool, StoreError> {
        let devices = self.links.to("/settings/devices");
        self.notify(db, user, now, false, |owner| {
            templates::remember_theft(&owner.email, &owner.username, &devices)
        })
        .await
    }
}
