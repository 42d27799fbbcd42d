//! [`Scope`]: who acts. A use case that one account's owner, an admin or
//! the operator may run takes the scope it runs in, and what it checks
//! follows from it: an admin's change needs the [`AdminSudo`] only
//! [`Auth::admin_sudo`] makes, and the operator's scope is made only by
//! the command line's own use cases (`server admin …`), in this crate.

use super::{AdminError, AdminSudo, Auth, Me};
use crate::domain::{ActivityKind, AdminAction, Role, UserId};
use crate::sessions::ClientInfo;
use crate::store::Db;

/// Who acts on an account.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A signed-in user, from one of their devices, on their own account.
    User(&'a Me),
    /// An admin in the console, re-authenticated this request.
    Admin(&'a Me, &'a AdminSudo),
    /// The operator at the shell, who already holds the database.
    CommandLine(Shell),
}

/// The operator's mark: made only by the command line's use cases.
#[derive(Debug, Clone, Copy)]
pub struct Shell(());

impl Shell {
    pub(super) const fn new() -> Self {
        Self(())
    }
}

impl Scope<'_> {
    /// The signed-in account acting, if one is (the operator is none).
    pub fn actor(&self) -> Option<&Me> {
        match self {
            Scope::User(me) | Scope::Admin(me, _) => Some(me),
            Scope::CommandLine(_) => None,
        }
    }
}

impl Auth {
    /// Runs `change` to `target` in one transaction with its audit row
    /// (by the admin, or by no one for the operator) and the user's own
    /// activity row. Only an admin's or the operator's scope may; an admin
    /// must still be one once it is their turn.
    pub(super) async fn act_on(
        &self,
        scope: Scope<'_>,
        target: UserId,
        action: AdminAction,
        why: Option<&str>,
        change: impl AsyncFnOnce(Db<'_>, i64) -> Result<(), AdminError>,
    ) -> Result<(), AdminError> {
        // The role and the second factor were checked when the proof was
        // made, this request; the role again below, holding the admin rows.
        match scope {
            Scope::Admin(me, sudo) => sudo.covers(me).map_err(|_| AdminError::ConfirmPassword)?,
            Scope::CommandLine(_) => {}
            Scope::User(_) => return Err(AdminError::NotAdmin),
        }
        let actor = scope.actor();
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        // One admin change at a time, each seeing the last.
        db.lock_admins().await?;
        if let Some(me) = actor {
            if db.role(me.user.id).await? != Some(Role::Admin) {
                return Err(AdminError::NotAdmin);
            }
        }
        let name = db
            .admin_user(target)
            .await?
            .ok_or(AdminError::NotFound)?
            .0
            .username;
        change(db, now).await?;
        let by = actor.map(|me| (me.user.id, me.user.username.as_str()));
        db.audit(by, action, (target, &name), why, now).await?;
        if let Some(kind) = ActivityKind::by_admin(action) {
            // The user's own activity says an admin did it; the
            // admin's address and browser are not theirs to see.
            self.sessions
                .activity_on(db)
                .record(target, kind, &ClientInfo::new(None, None))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Makes `target` an admin or a plain user. An admin may not demote
    /// themselves or the last admin who can act; the operator may (the
    /// shell is how a site recovers its console).
    pub(super) async fn set_role(
        &self,
        scope: Scope<'_>,
        target: UserId,
        role: Role,
    ) -> Result<(), AdminError> {
        let action = match role {
            Role::Admin => AdminAction::Granted,
            Role::User => AdminAction::Revoked,
        };
        self.act_on(scope, target, action, None, async |db, _| {
            if let (Role::User, Some(me)) = (role, scope.actor()) {
                super::admin::keep_an_admin(db, me, target).await?;
            }
            match db.set_role(target, role).await? {
                true => Ok(()),
                false => Err(AdminError::AlreadyDone),
            }
        })
        .await
    }
}
