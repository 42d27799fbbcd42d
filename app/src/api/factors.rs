use latchkey::domain::SecurityStatus;
use leptos::prelude::*;

use super::ApiError;

/// The second step of a sign-in: an authenticator code or a recovery code.
/// Signs this browser in and returns to `next` (a local path).
#[server(endpoint = "verify_factor")]
pub async fn verify_factor(code: String, next: Option<String>) -> Result<(), ApiError> {
    use super::server::{
        address_limits, auth, client_info, client_ip, finish, known_browser, session, welcome_to,
    };

    finish(
        async move {
            address_limits()?.log_in(client_ip()).await?;
            let session = session()?;
            let signed_in = auth()?
                .sign_in()
                .complete(&session, &code, &client_info(), known_browser()?.as_ref())
                .await?;
            welcome_to(&session, &signed_in, next.as_deref()).await
        }
        .await,
    )
}

/// The signed-in user's second factors (fresh recovery codes, once).
#[server(name = SecurityStatusFn, endpoint = "security_status")]
pub async fn security_status() -> Result<SecurityStatus, ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            Ok(auth()?.factors().security_status(&session, &me).await?)
        }
        .await,
    )
}

/// Starts setting up an authenticator app (sudo mode).
#[server(endpoint = "begin_totp")]
pub async fn begin_totp() -> Result<(), ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?.factors().begin_totp(&me, &sudo).await?;
            Ok(())
        }
        .await,
    )
}

/// Switches the authenticator app on with its first code (sudo mode); the
/// recovery codes appear on the page once.
#[server(endpoint = "confirm_totp")]
pub async fn confirm_totp(code: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user_setting_up, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .confirm_totp(&session, &me, &sudo, &code, &client_info())
                .await?;
            let said = "Your authenticator app is on: each sign-in will ask for its code.";
            flash(&session, Flash::success(said)).await?;
            Ok(())
        }
        .await,
    )
}

/// Removes the authenticator app and the recovery codes (sudo mode).
#[server(endpoint = "disable_totp")]
pub async fn disable_totp() -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .disable_totp(&me, &sudo, &client_info())
                .await?;
            let said = "Your authenticator app is off: signing in takes the password alone.";
            flash(&session, Flash::info(said)).await?;
            Ok(())
        }
        .await,
    )
}

/// Replaces the recovery codes with ten new ones (sudo mode).
#[server(endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes() -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, require_user, session};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .renew_recovery_codes(&session, &me, &sudo, &client_info())
                .await?;
            Ok(())
        }
        .await,
    )
}
