//! Passkeys' server functions. Each ceremony is a pair: `*_options` answers
//! the JSON the browser's `navigator.credentials` call takes, and the second
//! takes the browser's answer (`credential`, JSON) back.

use leptos::prelude::*;

use super::ApiError;

/// Options to sign in with a passkey alone (any of this site's).
#[server(endpoint = "passkey_sign_in_options")]
pub async fn passkey_sign_in_options() -> Result<String, ApiError> {
    use super::server::{address_limits, auth, client_ip, finish, session};

    finish(
        async move {
            address_limits()?.log_in(client_ip()).await?;
            Ok(auth()?.sign_in().begin_passkey(&session()?).await?)
        }
        .await,
    )
}

/// Signs in with the passkey the browser chose, and returns to `next`.
#[server(endpoint = "passkey_sign_in")]
pub async fn passkey_sign_in(
    credential: String,
    remember: Option<String>,
    next: Option<String>,
) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, known_browser, session, welcome_to};

    finish(
        async move {
            let session = session()?;
            let signed_in = auth()?
                .sign_in()
                .finish_passkey(
                    &session,
                    &credential,
                    remember.is_some(),
                    &client_info(),
                    known_browser()?.as_ref(),
                )
                .await?;
            welcome_to(&session, &signed_in, next.as_deref()).await
        }
        .await,
    )
}

/// Options for a sign-in's second step with one of the account's passkeys.
#[server(endpoint = "passkey_factor_options")]
pub async fn passkey_factor_options() -> Result<String, ApiError> {
    use super::server::{address_limits, auth, client_ip, finish, session};

    finish(
        async move {
            address_limits()?.log_in(client_ip()).await?;
            Ok(auth()?.sign_in().begin_passkey_factor(&session()?).await?)
        }
        .await,
    )
}

/// The second step of a sign-in, with a passkey; returns to `next`.
#[server(endpoint = "passkey_factor")]
pub async fn passkey_factor(credential: String, next: Option<String>) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, known_browser, session, welcome_to};

    finish(
        async move {
            let session = session()?;
            let signed_in = auth()?
                .sign_in()
                .finish_passkey_factor(
                    &session,
                    &credential,
                    &client_info(),
                    known_browser()?.as_ref(),
                )
                .await?;
            welcome_to(&session, &signed_in, next.as_deref()).await
        }
        .await,
    )
}

/// Options to confirm who is there with a passkey, for sudo mode.
#[server(endpoint = "passkey_sudo_options")]
pub async fn passkey_sudo_options() -> Result<String, ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            Ok(auth()?.sudo_mode().begin_passkey(&session, &me).await?)
        }
        .await,
    )
}

/// Opens sudo mode with a passkey, and carries on at `next`.
#[server(endpoint = "passkey_sudo")]
pub async fn passkey_sudo(credential: String, next: Option<String>) -> Result<(), ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};
    use latchkey::domain::ReturnTo;

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            auth()?
                .sudo_mode()
                .finish_passkey(&session, &me, &credential)
                .await?;
            leptos_axum::redirect(ReturnTo::or_home(next.as_deref()).as_str());
            Ok(())
        }
        .await,
    )
}

/// Options to add a passkey to the signed-in account (sudo mode).
#[server(endpoint = "passkey_registration_options")]
pub async fn passkey_registration_options() -> Result<String, ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            Ok(auth()?
                .factors()
                .begin_passkey_registration(&session, &me, &sudo)
                .await?)
        }
        .await,
    )
}

/// Adds the passkey the browser made, under `name` (sudo mode).
#[server(endpoint = "add_passkey")]
pub async fn add_passkey(name: String, credential: String) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user_setting_up, session};
    use latchkey::domain::{Flash, PasskeyName};

    finish(
        async move {
            let name = PasskeyName::parse(&name).map_err(|e| ApiError::Invalid(vec![e]))?;
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .finish_passkey_registration(
                    &session,
                    &me,
                    &sudo,
                    &name,
                    &credential,
                    &client_info(),
                )
                .await?;
            let said = format!(
                "Passkey “{}” added: it signs you in, and confirms sign-ins with your password.",
                name.as_str()
            );
            flash(&session, Flash::success(said)).await?;
            Ok(())
        }
        .await,
    )
}

/// Renames one of the signed-in user's passkeys (sudo mode).
#[server(endpoint = "rename_passkey")]
pub async fn rename_passkey(id: i64, name: String) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::domain::{Flash, PasskeyId, PasskeyName};

    finish(
        async move {
            let name = PasskeyName::parse(&name).map_err(|e| ApiError::Invalid(vec![e]))?;
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .rename_passkey(&me, &sudo, PasskeyId(id), &name)
                .await?;
            let said = format!("Passkey renamed “{}”.", name.as_str());
            flash(&session, Flash::success(said)).await?;
            Ok(())
        }
        .await,
    )
}

/// Removes one of the signed-in user's passkeys (sudo mode); never the
/// account's last way to sign in.
#[server(endpoint = "remove_passkey")]
pub async fn remove_passkey(id: i64) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::{Flash, PasskeyId};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .remove_passkey(&me, &sudo, PasskeyId(id), &client_info())
                .await?;
            flash(&session, Flash::info("Passkey removed.")).await?;
            Ok(())
        }
        .await,
    )
}

/// Removes the signed-in user's password (sudo mode): their passkeys alone
/// sign in. Refused without a passkey.
#[server(endpoint = "remove_password")]
pub async fn remove_password() -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .factors()
                .remove_password(&me, &sudo, &client_info())
                .await?;
            let said = "Your password is removed: you sign in with your passkeys. You can set a \
                        password again on the password page.";
            flash(&session, Flash::success(said)).await?;
            Ok(())
        }
        .await,
    )
}
