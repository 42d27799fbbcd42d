//! Sudo mode as a proof. A sensitive use case takes a [`Sudo`], and only
//! [`Auth::sudo`] makes one: from the session's record, read into [`Me`] by
//! [`Auth::current_user`], that its user gave the password (and code), or a
//! passkey, within the last ten minutes. A use case that forgot the check
//! does not compile, and no session is needed to judge it.

use super::{AdminError, Auth, Me, SudoError};
use crate::domain::UserId;

/// A sudo proof handed to a use case acting for someone else: each
/// context answers it as its `ConfirmPassword`.
#[derive(Debug)]
pub(super) struct NotYours;

/// Proof that the signed-in user re-authenticated lately on this session.
/// It cannot be made outside this module, nor kept past the request that
/// made it (it is not serializable).
#[derive(Debug)]
pub struct Sudo {
    user: UserId,
}

/// An admin's sudo proof: made only by [`Auth::admin_sudo`], after the
/// role, the second factor the rule asks admins for, and sudo mode. The
/// console's changes take it, so none can skip those checks.
#[derive(Debug)]
pub struct AdminSudo(Sudo);

impl AdminSudo {
    /// `Ok` when this proof is `me`'s.
    pub(super) fn covers(&self, me: &Me) -> Result<(), NotYours> {
        self.0.covers(me)
    }
}

impl Sudo {
    /// `Ok` when this proof is `me`'s.
    pub(super) fn covers(&self, me: &Me) -> Result<(), NotYours> {
        match self.user == me.user.id {
            true => Ok(()),
            false => Err(NotYours),
        }
    }
}

impl Auth {
    /// Sudo mode's proof for `me`, or `ConfirmPassword` when the last
    /// re-authentication on their session is over ten minutes old (or never was).
    pub fn sudo(&self, me: &Me) -> Result<Sudo, SudoError> {
        self.sudo_if_active(me).ok_or(SudoError::ConfirmPassword)
    }

    /// Sudo mode's proof, if it is open: for the use cases that take either
    /// it or the password itself.
    pub fn sudo_if_active(&self, me: &Me) -> Option<Sudo> {
        self.sudo_active(me).then_some(Sudo { user: me.user.id })
    }

    /// An admin's sudo proof: the role (and the second factor the rule asks
    /// admins for) is checked first, so a plain user is told "administrators
    /// only" whether or not their own sudo mode is open.
    pub(super) async fn admin_sudo(&self, me: &Me) -> Result<AdminSudo, AdminError> {
        self.require_admin(me).await?;
        let sudo = self.sudo(me).map_err(|_| AdminError::ConfirmPassword)?;
        Ok(AdminSudo(sudo))
    }
}
