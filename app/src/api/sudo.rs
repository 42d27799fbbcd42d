use latchkey::domain::SudoAsks;
use leptos::prelude::*;

use super::ApiError;

/// Whether the signed-in user gave their password on this session within the
/// last ten minutes, so sensitive actions go ahead without asking again.
#[server(endpoint = "sudo")]
pub async fn sudo_status() -> Result<bool, ApiError> {
    use super::server::{auth, finish, session, signed_in};

    finish(
        async move {
            let session = session()?;
            match signed_in(&session).await? {
                Some(me) => Ok(auth()?.sudo_active(&me)),
                None => Ok(false),
            }
        }
        .await,
    )
}

/// Checks the signed-in user's password, unlocking sensitive actions for ten
/// minutes, and returns to `next` (a local path) to carry on.
#[server(endpoint = "confirm_password")]
pub async fn confirm_password(
    password: String,
    code: Option<String>,
    next: Option<String>,
) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, password_of, require_user_setting_up, session};
    use latchkey::domain::{Field, ReturnTo};

    finish(
        async move {
            let session = session()?;
            let me = require_user_setting_up(&session).await?;
            let password = password_of(Field::Password, &password)?;
            auth()?
                .sudo_mode()
                .confirm_password(&session, &me, &password, code.as_deref(), &client_info())
                .await?;
            leptos_axum::redirect(ReturnTo::or_home(next.as_deref()).as_str());
            Ok(())
        }
        .await,
    )
}

/// What confirming sudo mode asks of the signed-in user: a second-factor
/// code beside the password, and whether a passkey can do instead.
#[server(name = SudoAsksFn, endpoint = "sudo_asks")]
pub async fn sudo_asks() -> Result<SudoAsks, ApiError> {
    use super::server::{auth, finish, require_user_setting_up, session};

    finish(
        async move {
            let me = require_user_setting_up(&session()?).await?;
            Ok(auth()?.sudo_mode().asks(&me).await?)
        }
        .await,
    )
}
