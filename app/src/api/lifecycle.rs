use leptos::prelude::*;

use super::ApiError;

/// Renames the signed-in user (sudo mode). The rules are registration's, and
/// the old name is free at once.
#[server(endpoint = "change_username")]
pub async fn change_username(username: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::{Flash, Username};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let name = Username::parse(&username).map_err(|e| ApiError::Invalid(vec![e]))?;
            let sudo = auth()?.sudo(&me)?;
            let user = auth()?
                .account()
                .change_username(&me, &sudo, &name, &client_info())
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

/// Deletes the signed-in user's account after checking the password (and,
/// with a second factor, its `code`, unless in sudo mode): the
/// user, their profile, sessions, remember tokens, devices and activity. The
/// browser ends anonymous on the home page.
#[server(endpoint = "delete_account")]
pub async fn delete_account(
    username: String,
    password: String,
    code: Option<String>,
) -> Result<(), ApiError> {
    use super::server::{
        auth, clear_site_data, client_info, finish, flash, password_of, remember_cookie,
        require_user, send_cookie, session,
    };
    use latchkey::domain::{Field, Flash};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            // The password is asked for here, which is itself the sudo
            // check; an account without one (passkeys only) gives none and
            // must be in sudo mode.
            let password = match password.is_empty() {
                true => None,
                false => Some(password_of(Field::Password, &password)?),
            };
            auth()?
                .account()
                .delete_account(
                    &session,
                    &me,
                    &username,
                    password.as_ref(),
                    code.as_deref(),
                    &client_info(),
                )
                .await?;
            // The account is gone: nothing the browser keeps for it stays.
            // Its cookies are each ended by name ("cookies" would also take
            // the session that carries the goodbye below).
            send_cookie(remember_cookie()?.clear());
            send_cookie(auth()?.forget_browser_cookie());
            clear_site_data(r#""cache", "storage""#);
            flash(
                &session,
                Flash::info("Your account and everything in it has been deleted. Goodbye."),
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
