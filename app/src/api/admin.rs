//! The admin console's server functions. Every one answers 403 to anyone
//! but an admin (the core checks the role on each call), and every change
//! needs sudo mode. Their names all start with `admin_`, which the test of
//! the 403s relies on.

use latchkey::domain::{AdminUserDetail, AdminUserPage, AuditEntry};
use leptos::prelude::*;

use super::ApiError;

/// A page of users whose name (or, with an `@`, address) starts with
/// `query`, after the cursor `after`.
#[server(endpoint = "admin_users")]
pub async fn admin_users(query: String, after: Option<String>) -> Result<AdminUserPage, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            let after = after.filter(|a| !a.is_empty());
            Ok(auth()?
                .admin()
                .search(&me, &query, after.as_deref())
                .await?)
        }
        .await,
    )
}

/// One user's record.
#[server(endpoint = "admin_user")]
pub async fn admin_user(id: i64) -> Result<AdminUserDetail, ApiError> {
    use super::server::{auth, finish, require_user, session};
    use latchkey::domain::UserId;

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.admin().user(&me, UserId(id)).await?)
        }
        .await,
    )
}

/// The audit log, newest first, before row `before`.
#[server(endpoint = "admin_audit")]
pub async fn admin_audit(before: Option<i64>) -> Result<Vec<(i64, AuditEntry)>, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.admin().audit(&me, before).await?)
        }
        .await,
    )
}

/// One admin action on user `id`: `lock` (with `reason`), `unlock`,
/// `sign_out`, `send_reset`, `remove_factors` (with `reason`), `make_admin`,
/// `make_user`, `delete`. Sudo mode; written to the audit log and the
/// user's activity. Back to the user's page (the list after a deletion).
#[server(endpoint = "admin_act")]
pub async fn admin_act(id: i64, action: String, reason: Option<String>) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::domain::{AdminRequest, AdminRequestError, Flash, Role, UserId};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let auth = auth()?;
            let target = UserId(id);
            // The role first, then sudo mode, then the form: a plain user
            // hears "administrators only" whatever else holds.
            let sudo = auth.admin().sudo(&me).await?;
            let request = AdminRequest::parse(&action, reason.as_deref().unwrap_or_default())
                .map_err(|e| match e {
                    AdminRequestError::UnknownAction => {
                        ApiError::BadRequest("There is no such action.".into())
                    }
                    AdminRequestError::Reason(field) => ApiError::Invalid(vec![field]),
                })?;
            let said = match &request {
                AdminRequest::Lock(why) => {
                    auth.admin().lock(&me, &sudo, target, why).await?;
                    "Locked: every device is signed out, and nothing signs in until it is unlocked."
                }
                AdminRequest::Unlock => {
                    auth.admin().unlock(&me, &sudo, target).await?;
                    "Unlocked."
                }
                AdminRequest::SignOut => {
                    auth.admin().sign_out(&me, &sudo, target).await?;
                    "Every device is signed out."
                }
                AdminRequest::SendReset => {
                    auth.admin().send_reset(&me, &sudo, target).await?;
                    "A password-reset link is on its way to the confirmed address."
                }
                AdminRequest::RemoveFactors(why) => {
                    auth.admin().remove_factors(&me, &sudo, target, why).await?;
                    "The second factors are removed: the password alone signs in."
                }
                AdminRequest::MakeAdmin => {
                    auth.admin()
                        .set_role(&me, &sudo, target, Role::Admin)
                        .await?;
                    "Now an administrator."
                }
                AdminRequest::MakeUser => {
                    auth.admin()
                        .set_role(&me, &sudo, target, Role::User)
                        .await?;
                    "Now a plain user."
                }
                AdminRequest::Delete => {
                    auth.admin().delete(&me, &sudo, target).await?;
                    "Deleted."
                }
            };
            flash(&session, Flash::success(said)).await?;
            match request {
                AdminRequest::Delete => leptos_axum::redirect("/admin"),
                _ => leptos_axum::redirect(&format!("/admin/users/{id}")),
            }
            Ok(())
        }
        .await,
    )
}
