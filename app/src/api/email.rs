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
            auth()?.verify_email(&token).await?;
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
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            auth()?.resend_verification(&me).await?;
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
    use super::server::{auth, finish, flash, session};
    use latchkey::domain::{EmailAddress, Flash};

    finish(
        async move {
            let email = EmailAddress::parse(&email).map_err(|e| ApiError::Invalid(vec![e]))?;
            auth()?.request_password_reset(&email).await?;
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

/// Sets a new password with the mailed link's token: every device is signed
/// out, and this browser signed in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, send_cookie, session};
    use latchkey::auth::AuthError;
    use latchkey::domain::{Field, FieldError, Flash, NewPassword};

    finish(
        async move {
            let new = NewPassword::parse(&new_password).map_err(|e| {
                ApiError::Invalid(vec![FieldError::new(Field::NewPassword, e.message)])
            })?;
            let session = session()?;
            let auth = auth()?;
            let user = match auth
                .reset_password(&session, &token, &new, &client_info())
                .await
            {
                Err(AuthError::WeakPassword(message)) => {
                    return Err(ApiError::field(Field::NewPassword, message))
                }
                other => other?,
            };
            send_cookie(&auth.known_browser_cookie(&user));
            flash(
                &session,
                Flash::success("Your new password is set, and every other device is signed out."),
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
