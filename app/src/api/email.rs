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
