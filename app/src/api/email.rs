use latchkey::domain::Trusted;
use leptos::prelude::*;

use super::ApiError;

/// Follows the link mailed to confirm an address (its token), then goes home.
/// Needs no session: the link itself says whose address it is.
#[server(endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            auth()?.email().verify(&token).await?;
            flash(
                &session()?,
                Flash::success("Your email address is confirmed."),
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Mails the signed-in user's confirmation link again (a few an hour).
#[server(endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), ApiError> {
    use super::server::{
        address_limits, auth, client_ip, finish, flash, require_user_setting_up, session,
    };
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            address_limits()?.mail_link(client_ip()).await?;
            auth()?.email().resend(&me).await?;
            flash(
                &session,
                Flash::info("We sent the link again. It works for 24 hours."),
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

/// Mails a link that sets a new password, if an account has confirmed this
/// address; the answer (words, status and time) is the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    use super::server::{address_limits, auth, client_ip, finish, flash, session};
    use latchkey::domain::{EmailAddress, Flash};

    finish(
        async move {
            let email = EmailAddress::parse(&email).map_err(|e| ApiError::Invalid(vec![e]))?;
            // Refused before any database work: a flood from one address
            // holds no write lock.
            address_limits()?.mail_link(client_ip()).await?;
            auth()?.passwords().request_reset(&email).await?;
            flash(
                &session()?,
                Flash::info(
                    "If that address belongs to an account, a link to set a new password is on \
                     its way. It works for an hour.",
                ),
            )
            .await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// What the account of a live reset link trusts besides its password (its
/// second factors, names and dates), for the page that sets a new one.
#[server(name = ResetLinkTrusts, endpoint = "reset_link_trusts")]
pub async fn reset_link_trusts(token: String) -> Result<Trusted, ApiError> {
    use super::server::{auth, finish};

    finish(
        auth()?
            .passwords()
            .trusted_by_reset_link(&token)
            .await
            .map_err(Into::into),
    )
}

/// Sets a new password with the mailed link's token: every device is signed
/// out, and this browser signed in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, send_cookie, session};
    use latchkey::auth::PasswordError;
    use latchkey::domain::{Field, FieldError, Flash, NewPassword};

    finish(
        async move {
            let new = NewPassword::parse(&new_password).map_err(|e| {
                ApiError::Invalid(vec![FieldError::new(Field::NewPassword, e.message)])
            })?;
            let session = session()?;
            let auth = auth()?;
            let user = match auth
                .passwords()
                .reset(&session, &token, &new, &client_info())
                .await
            {
                Err(PasswordError::WeakPassword(message)) => {
                    return Err(ApiError::field(Field::NewPassword, message))
                }
                other => other?,
            };
            let (said, next) = match user {
                Some(user) => {
                    send_cookie(auth.known_browser_cookie(&user));
                    let said = "Your new password is set, and every other device is signed out.";
                    (said, "/")
                }
                // An account with a second factor signs in with it too, and
                // then sees what the account trusts.
                None => (
                    "Your new password is set, and every device is signed out. Log in with it \
                     and your second factor, then check the factors your account trusts.",
                    "/login?next=%2Fsettings%2Fsecurity",
                ),
            };
            flash(&session, Flash::success(said)).await?;
            leptos_axum::redirect(next);
            Ok(())
        }
        .await,
    )
}

/// Mails a link that signs in without the password, if an account has this
/// address; the answer (words, status and time) is the same either way.
#[server(endpoint = "request_sign_in_link")]
pub async fn request_sign_in_link(email: String) -> Result<(), ApiError> {
    use super::server::{address_limits, auth, client_ip, finish, flash, session};
    use latchkey::domain::{EmailAddress, Flash};

    finish(
        async move {
            let email = EmailAddress::parse(&email).map_err(|e| ApiError::Invalid(vec![e]))?;
            // A request for a link counts as a sign-in attempt from this
            // address, and against its mailed links.
            address_limits()?.log_in(client_ip()).await?;
            address_limits()?.mail_link(client_ip()).await?;
            auth()?.sign_in().request_link(&email).await?;
            flash(
                &session()?,
                Flash::info(
                    "If that address belongs to an account, a sign-in link is on its way. It \
                     works once, for 10 minutes.",
                ),
            )
            .await?;
            leptos_axum::redirect("/login/email");
            Ok(())
        }
        .await,
    )
}

/// Signs this browser in with the mailed link's token, then goes home.
#[server(endpoint = "sign_in_with_link")]
pub async fn sign_in_with_link(token: String, remember: Option<String>) -> Result<(), ApiError> {
    use super::server::{
        address_limits, auth, client_info, client_ip, finish, known_browser, session, welcome_to,
    };

    finish(
        async move {
            address_limits()?.log_in(client_ip()).await?;
            let session = session()?;
            let outcome = auth()?
                .sign_in()
                .with_link(
                    &session,
                    &token,
                    remember.is_some(),
                    &client_info(),
                    known_browser()?.as_ref(),
                )
                .await?;
            welcome_to(&session, &outcome, None).await
        }
        .await,
    )
}
