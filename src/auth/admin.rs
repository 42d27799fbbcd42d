//! The admin context ([`Auth::admin`]): the console's use cases, with their
//! own [`AdminError`]. Each checks, on the server, that the actor is an
//! admin (else [`AdminError::NotAdmin`]); each change also needs sudo mode
//! (an [`AdminSudo`]), is written to the audit log and to the affected
//! user's own activity. The last admin cannot be locked, demoted or deleted,
//! and an admin cannot do those to themselves.
//!
//! The first admin comes from the command line ([`Operator::grant`](super::Operator::grant)):
//! nothing on the web makes one.

pub use super::admin_error::AdminError;
use super::mailed::RESET_LINK;
use super::{AdminSudo, Auth, Me, Scope};
use crate::domain::{
    ActivityKind, AdminAction, AdminReason, AdminUserDetail, AdminUserPage, AuditEntry,
    EmailAddress, Role, UserId,
};
use crate::sessions::SignedInAs;
use crate::store::{Db, SearchBy, SignedOut, StoreError};

/// Users on a page of the list.
pub const PAGE: i64 = 50;

context!(
    /// The admin console's use cases, for one request.
    Admin,
    admin
);

impl Auth {
    /// Answers `Ok` when `me` is an admin with a second factor, where the
    /// rule asks admins for one (the default): a phished or guessed password
    /// alone never opens the console.
    pub(super) async fn require_admin(&self, me: &Me) -> Result<(), AdminError> {
        let user = me.user.id.0;
        if self.store.db().role(me.user.id).await? != Some(Role::Admin) {
            tracing::warn!(user, "an admin function was refused to a non-admin");
            return Err(AdminError::NotAdmin);
        }
        if self.second_factor_rule.covers_admins()
            && !self.has_second_factor(self.store.db(), me.user.id).await?
        {
            tracing::warn!(user, "an admin function was refused: no second factor");
            return Err(AdminError::SecondFactorNeeded);
        }
        Ok(())
    }
}

impl Admin<'_> {
    /// An admin's sudo proof for `me` (see [`Auth::admin_sudo`]).
    pub async fn sudo(&self, me: &Me) -> Result<AdminSudo, AdminError> {
        self.auth.admin_sudo(me).await
    }

    /// A page of users whose name starts with `query` (or, when it holds an
    /// `@`, whose address does), after the cursor `after`.
    pub async fn search(
        &self,
        me: &Me,
        query: &str,
        after: Option<&str>,
    ) -> Result<AdminUserPage, AdminError> {
        self.require_admin(me).await?;
        let prefix = query.trim().to_lowercase();
        let by = match prefix.contains('@') {
            true => SearchBy::Email,
            false => SearchBy::Username,
        };
        let mut rows = self
            .store
            .db()
            .search_users(by, &prefix, after, PAGE + 1)
            .await?;
        let next = match rows.len() > PAGE as usize {
            true => {
                rows.truncate(PAGE as usize);
                rows.last().map(|(key, _)| key.clone())
            }
            false => None,
        };
        Ok(AdminUserPage {
            users: rows.into_iter().map(|(_, row)| row).collect(),
            next,
        })
    }

    /// One user's record: profile, role, lock, sign-ins, devices, activity
    /// and second factors.
    pub async fn user(&self, me: &Me, target: UserId) -> Result<AdminUserDetail, AdminError> {
        self.require_admin(me).await?;
        let (user, display_name, bio) = self
            .store
            .db()
            .admin_user(target)
            .await?
            .ok_or(AdminError::NotFound)?;
        // No device of theirs is this browser.
        let nobody = SignedInAs {
            user: target,
            device: crate::domain::DeviceId(0),
        };
        let totp = self.store.db().totp(target).await?;
        Ok(AdminUserDetail {
            user,
            display_name,
            bio,
            last_sign_in: self
                .store
                .db()
                .last_sign_in(target)
                .await?
                .map(crate::domain::UnixTime::from_seconds),
            locked_reason: self.store.db().lock_reason(target).await?,
            devices: self.sessions.devices().list(nobody).await?,
            activity: self.sessions.activity().list(target).await?,
            totp: totp.is_some_and(|t| t.confirmed_at.is_some()),
            passkeys: u32::try_from(self.store.db().passkey_count(target).await?).unwrap_or(0),
            recovery_codes_left: u32::try_from(self.store.db().recovery_codes_left(target).await?)
                .unwrap_or(0),
        })
    }

    /// The audit log, newest first, 50 entries before row `before`.
    pub async fn audit(
        &self,
        me: &Me,
        before: Option<i64>,
    ) -> Result<Vec<(i64, AuditEntry)>, AdminError> {
        self.require_admin(me).await?;
        Ok(self.store.db().audit_log(before, PAGE).await?)
    }

    /// Locks `target` (sudo mode): every device signed out at once, on every
    /// app server; no sign-in, link or reset works until it is unlocked.
    pub async fn lock(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
        why: &AdminReason,
    ) -> Result<(), AdminError> {
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            AdminAction::Locked,
            Some(why.as_str()),
            async |db, now| {
                keep_an_admin(db, me, target).await?;
                if !db.lock_account(target, why.as_str(), now).await? {
                    return Err(AdminError::AlreadyDone);
                }
                super::change_email::void_outstanding_links(db, target, now).await?;
                Ok(sign_out_everywhere(db, target, now).await?)
            },
        )
        .await
    }

    /// Unlocks `target` (sudo mode).
    pub async fn unlock(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
    ) -> Result<(), AdminError> {
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            AdminAction::Unlocked,
            None,
            async |db, _| match db.unlock_account(target).await? {
                true => Ok(()),
                false => Err(AdminError::AlreadyDone),
            },
        )
        .await
    }

    /// Signs every device of `target` out (sudo mode).
    pub async fn sign_out(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
    ) -> Result<(), AdminError> {
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            AdminAction::SignedOut,
            None,
            async |db, now| Ok(sign_out_everywhere(db, target, now).await?),
        )
        .await
    }

    /// Removes `target`'s authenticator, passkeys and recovery codes (sudo
    /// mode), for a user who lost them; refused for an account whose
    /// passkeys are its only way in.
    pub async fn remove_factors(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
        why: &AdminReason,
    ) -> Result<(), AdminError> {
        let action = AdminAction::RemovedFactors;
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            action,
            Some(why.as_str()),
            async |db, now| {
                if !self.has_password(db, target).await? {
                    return Err(AdminError::LastSignInMethod);
                }
                db.delete_totp(target).await?;
                db.delete_passkeys(target).await?;
                db.delete_recovery_codes(target).await?;
                super::change_email::void_outstanding_links(db, target, now).await?;
                // The user hears of it at their confirmed address, as of a
                // change they made themselves.
                Ok(self
                    .notice_factor_changed(db, target, ActivityKind::AdminRemovedFactors, now)
                    .await?)
            },
        )
        .await?;
        self.mail.wake();
        Ok(())
    }

    /// Mails `target` a password-reset link (sudo mode), as "Forgot your
    /// password?" would: to a confirmed address only, at most three an hour.
    pub async fn send_reset(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
    ) -> Result<(), AdminError> {
        // Looked up only once `act_on` has seen an admin: a plain user
        // learns nothing of the target's address.
        let mut email = None;
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            AdminAction::SentReset,
            None,
            async |db, _| {
                email = Some(match db.user_email(target).await? {
                    Some((address, true)) => {
                        EmailAddress::parse(&address).map_err(|_| AdminError::NoEmail)?
                    }
                    Some((_, false)) => return Err(AdminError::EmailNotVerified),
                    None => return Err(AdminError::NoEmail),
                });
                Ok(())
            },
        )
        .await?;
        let email = email.ok_or(AdminError::NoEmail)?;
        Ok(self.mail_link(&email, &RESET_LINK).await?)
    }

    /// Makes `target` an admin or a plain user (sudo mode).
    pub async fn set_role(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
        role: Role,
    ) -> Result<(), AdminError> {
        self.auth
            .set_role(Scope::Admin(me, sudo), target, role)
            .await
    }

    /// Deletes `target`'s account (sudo mode).
    pub async fn delete(
        &self,
        me: &Me,
        sudo: &AdminSudo,
        target: UserId,
    ) -> Result<(), AdminError> {
        self.act_on(
            Scope::Admin(me, sudo),
            target,
            AdminAction::Deleted,
            None,
            async |db, _| {
                keep_an_admin(db, me, target).await?;
                match self.accounts.delete_account(db, target).await? {
                    true => Ok(()),
                    false => Err(AdminError::NotFound),
                }
            },
        )
        .await
    }
}

/// Refuses to take `target` out of the admins' hands when that is `me`
/// (an accident) or the last admin who can act.
pub(super) async fn keep_an_admin(db: Db<'_>, me: &Me, target: UserId) -> Result<(), AdminError> {
    if target == me.user.id {
        return Err(AdminError::NotYourself);
    }
    match is_last_admin(db, target).await? {
        true => Err(AdminError::LastAdmin),
        false => Ok(()),
    }
}

/// Whether `user` is the last admin who can act; run under
/// [`Db::lock_admins`].
pub(super) async fn is_last_admin(db: Db<'_>, user: UserId) -> Result<bool, StoreError> {
    Ok(db.role(user).await? == Some(Role::Admin) && db.active_admin_count().await? <= 1)
}

/// Ends every session of `user`, now, on every app server: their devices
/// go (sessions name a device, and a session whose device is gone is
/// anonymous at its next request) and the ending is noted for its reason.
async fn sign_out_everywhere(db: Db<'_>, user: UserId, now: i64) -> Result<(), StoreError> {
    db.note_signed_out(user, SignedOut::Every, now).await?;
    db.delete_other_devices(user, None).await?;
    Ok(())
}
