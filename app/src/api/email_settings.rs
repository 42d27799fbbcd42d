use latchkey::domain::EmailSettings;
use leptos::prelude::*;

use super::ApiError;

/// The signed-in user's address and mail choices.
#[server(name = EmailSettingsFn, endpoint = "email_settings")]
pub async fn email_settings() -> Result<EmailSettings, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.account().email_settings(&me).await?)
        }
        .await,
    )
}

/// Mails a link to a new address (sudo mode); the address changes when it
/// is followed. The answer is the same whether or not the address is taken.
#[server(endpoint = "change_email")]
pub async fn change_email(email: String) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::domain::{EmailAddress, Flash};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let email = EmailAddress::parse(&email).map_err(|e| ApiError::Invalid(vec![e]))?;
            let sudo = auth()?.sudo(&me)?;
            auth()?.email().request_change(&me, &sudo, &email).await?;
            flash(
                &session,
                Flash::info(format!(
                    "We sent a link to {email}. Your address changes when you open it (within \
                     24 hours)."
                )),
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

/// Follows the link mailed to a new address: it becomes the account's.
#[server(endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let email = auth()?
                .email()
                .confirm_change(&token, &client_info())
                .await?;
            flash(
                &session()?,
                Flash::success(format!("Your email address is now {email}.")),
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Follows the link mailed to the old address after a change: it is the
/// account's again and every device is signed out.
#[server(endpoint = "undo_email_change")]
pub async fn undo_email_change(token: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let email = auth()?.email().undo_change(&token, &client_info()).await?;
            flash(
                &session()?,
                Flash::success(format!(
                    "{email} is your address again, every device is signed out, and the \
                     second factors and passkeys added since the change are removed. If you did \
                     not change it, set a new password now: the page says what else your \
                     account trusts."
                )),
            )
            .await?;
            leptos_axum::redirect("/reset");
            Ok(())
        }
        .await,
    )
}

/// Turns the mail about new devices signing in on (`on` present) or off.
#[server(endpoint = "set_new_device_notices")]
pub async fn set_new_device_notices(on: Option<String>) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            auth()?
                .account()
                .set_new_device_notices(&me, on.is_some())
                .await?;
            let said = match on {
                Some(_) => "We will mail you when a new device signs in.",
                None => "We will not mail you about new devices.",
            };
            flash(&session, Flash::success(said)).await?;
            Ok(())
        }
        .await,
    )
}
