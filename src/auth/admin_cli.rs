//! `server admin …`'s use cases: the operator's, at the shell, with no
//! session and no sudo mode (whoever runs the binary with the database's
//! configuration already holds the database). The only way to make the
//! first admin.

use super::scope::Shell;
use super::{AdminError, Scope};
use crate::domain::{Role, Username};

context!(
    /// The operator at the shell (`server admin …`).
    Operator,
    operator
);

impl Operator<'_> {
    /// `server admin grant NAME`: makes the account an admin, from the
    /// command line (the only way to make the first one).
    pub async fn grant(&self, username: &str) -> Result<(), AdminError> {
        self.cli_set_role(username, Role::Admin).await
    }

    /// `server admin revoke NAME`.
    pub async fn revoke(&self, username: &str) -> Result<(), AdminError> {
        self.cli_set_role(username, Role::User).await
    }

    /// Whether the admin console waits for `username` to set up a second
    /// factor: the rule covers admins and the account has none.
    pub async fn console_waits_for_factor(&self, username: &str) -> Result<bool, AdminError> {
        let user = self.user_named(username).await?;
        Ok(self.second_factor_rule.covers_admins()
            && !self.store.db().has_second_factor(user).await?)
    }

    /// `server admin sign-out-everyone`: every account signed out of every
    /// device at once, on every app server (after a leak, say); answers how
    /// many devices were signed out. Each browser is told why at its next
    /// request, as after any sign-out from elsewhere.
    pub async fn sign_out_everyone(&self) -> Result<u64, AdminError> {
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let signed_out = tx.db().sign_out_everyone(now).await?;
        tx.commit().await?;
        Ok(signed_out)
    }

    /// `server admin list`: the admins' names.
    pub async fn list_admins(&self) -> Result<Vec<String>, AdminError> {
        Ok(self
            .store
            .db()
            .admins()
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    async fn cli_set_role(&self, username: &str, role: Role) -> Result<(), AdminError> {
        let user = self.user_named(username).await?;
        self.set_role(Scope::CommandLine(Shell::new()), user, role)
            .await
    }

    /// The account named `username` (in any case), as the operator typed it.
    async fn user_named(&self, username: &str) -> Result<crate::domain::UserId, AdminError> {
        let name = Username::parse(username).map_err(|_| AdminError::NotFound)?;
        let user = self.store.db().find_user_id(&name.key()).await?;
        user.ok_or(AdminError::NotFound)
    }
}
