use leptos::prelude::*;

use super::ApiError;

/// Renames the signed-in user (sudo mode). The rules are registration's, and
/// the old name is free at once.
#[server(endpoint = "change_username")]
pub async fn change_username(username: String) -> Result<(), ApiError> {
    use super::server::{
        accounts, client_info, finish, flash, require_sudo, require_user, session, session_policy,
    };
    use latchkey::domain::{ActivityKind, Flash, Username};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            require_sudo(&session).await?;
            let name = Username::parse(&username).map_err(|e| ApiError::Invalid(vec![e]))?;
            let user = accounts()?.change_username(me.user.id, &name).await?;
            session_policy()?
                .record(me.user.id, ActivityKind::UsernameChanged, &client_info())
                .await?;
            flash(
                &session,
                Flash::success(format!("Your username is now {}.", user.username)),
            )
            .await?;
            leptos_axum::redirect(&format!("/users/{}", user.username));
            Ok(())
        }
        .await,
    )
}

/// Deletes the signed-in user's account after checking the password: the
/// user, their profile, sessions, remember tokens, devices and activity. The
/// browser ends anonymous on the home page.
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), ApiError> {
    use super::server::{
        accounts, check_password, finish, flash, remember_cookie, require_user, send_cookie,
        session, session_policy,
    };
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            // The password is asked for here, which is itself the sudo check.
            check_password(&me, &password).await?;
            session_policy()?
                .sign_out_everywhere(&session, me.user.id)
                .await?;
            accounts()?.delete_account(me.user.id).await?;
            send_cookie(&remember_cookie()?.clear());
            flash(
                &session,
                Flash::info("Your account and everything in it has been deleted. Goodbye."),
            )
            .await?;
            tracing::info!(user = me.user.id.0, "account deleted");
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
