use latchkey::domain::{CurrentUser, Flash};
use leptos::prelude::*;

use super::ApiError;

/// Creates an account, signs it in and lands on its profile with a welcome.
/// The address gets a link to confirm it; the answer is the same whether or
/// not the address is another account's.
#[server(endpoint = "register")]
pub async fn register(username: String, email: String, password: String) -> Result<(), ApiError> {
    use super::server::{
        address_limits, auth, client_info, client_ip, finish, flash, send_cookie, session,
    };
    use latchkey::domain::{EmailAddress, NewPassword, Username};

    finish(
        async move {
            let parsed = (
                Username::parse(&username),
                EmailAddress::parse(&email),
                NewPassword::parse(&password),
            );
            let (name, email, password) = match parsed {
                (Ok(name), Ok(email), Ok(password)) => (name, email, password),
                (name, email, password) => {
                    return Err(ApiError::Invalid(
                        [name.err(), email.err(), password.err()]
                            .into_iter()
                            .flatten()
                            .collect(),
                    ))
                }
            };
            // Counted once the form is valid, so typos cost nothing.
            address_limits()?.register(client_ip()).await?;
            let session = session()?;
            let auth = auth()?;
            let user = auth
                .account()
                .register(&session, &name, &email, &password, &client_info())
                .await?;
            send_cookie(auth.known_browser_cookie(&user));
            flash(
                &session,
                Flash::success(format!(
                    "Welcome, {}. We sent a link to {email} to confirm it is yours.",
                    user.username
                )),
            )
            .await?;
            leptos_axum::redirect(&format!("/users/{}", user.username));
            Ok(())
        }
        .await,
    )
}

/// Signs in and returns to `next` when it is a local path, else to `/`.
#[server(endpoint = "login")]
pub async fn log_in(
    username: String,
    password: String,
    remember: Option<String>,
    next: Option<String>,
) -> Result<(), ApiError> {
    use super::server::{
        address_limits, auth, client_info, client_ip, finish, known_browser, session, welcome_to,
    };
    use latchkey::domain::{Field, PasswordAttempt};

    finish(
        async move {
            address_limits()?.log_in(client_ip()).await?;
            if username.trim().is_empty() {
                return Err(ApiError::field(Field::Username, "Enter your username."));
            }
            let attempt =
                PasswordAttempt::parse(&password).map_err(|e| ApiError::Invalid(vec![e]))?;
            let session = session()?;
            let outcome = auth()?
                .sign_in()
                .log_in(
                    &session,
                    &username,
                    &attempt,
                    remember.is_some(),
                    &client_info(),
                    known_browser()?.as_ref(),
                )
                .await?;
            welcome_to(&session, &outcome, next.as_deref()).await
        }
        .await,
    )
}

/// Signs out: the server-side session is deleted, so the old cookie is worthless.
#[server(endpoint = "logout")]
pub async fn log_out() -> Result<(), ApiError> {
    use super::server::{
        auth, clear_site_data, client_info, finish, flash, remember_cookie, send_cookie, session,
    };

    finish(
        async move {
            let session = session()?;
            let was_signed_in = auth()?.sign_in().log_out(&session, &client_info()).await?;
            send_cookie(remember_cookie()?.clear());
            // What the pages cached and stored goes; the cookies are each
            // ended by name instead of by "cookies", which would also take
            // the known-browser cookie that keeps strangers' guesses from
            // locking this browser's owner out.
            clear_site_data(r#""cache", "storage""#);
            // A visitor who was not signed in gets no message, and so no session row.
            if was_signed_in {
                flash(&session, Flash::info("You have been logged out.")).await?;
            }
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// The signed-in user, or `None`.
#[server(name = CurrentUserFn, endpoint = "current_user")]
pub async fn current_user() -> Result<Option<CurrentUser>, ApiError> {
    use super::server::{finish, session, signed_in};

    finish(async move { Ok(signed_in(&session()?).await?.map(|me| me.user)) }.await)
}

/// Takes this browser's pending flash message, so it shows once.
#[server(endpoint = "take_flash")]
pub async fn take_flash() -> Result<Option<Flash>, ApiError> {
    use super::server::{finish, session};
    use latchkey::sessions;

    finish(async move { Ok(sessions::take_flash(&session()?).await?) }.await)
}

/// For how many days the log-in form's "Remember me" keeps a device signed
/// in; 0 when it is not offered (`LATCHKEY_REMEMBER_DAYS=0`).
#[server(endpoint = "remember_days")]
pub async fn remember_days() -> Result<u32, ApiError> {
    use super::server::{auth, finish};

    finish(Ok(auth()?.remember_days()))
}
