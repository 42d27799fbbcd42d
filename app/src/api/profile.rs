use latchkey::domain::Profile;
use leptos::prelude::*;

use super::ApiError;

/// A user's public profile, by name in any case.
#[server(endpoint = "profile")]
pub async fn get_profile(username: String) -> Result<Profile, ApiError> {
    use super::server::{auth, finish};

    finish(async move { Ok(auth()?.account().profile(&username).await?) }.await)
}

/// The signed-in user's own profile, for the edit form.
#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<Profile, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.account().profile(&me.user.username).await?)
        }
        .await,
    )
}

/// Edits the profile of `username`, which must be the signed-in user's own.
#[server(endpoint = "update_profile")]
pub async fn update_profile(
    username: String,
    display_name: String,
    bio: String,
    location: String,
) -> Result<(), ApiError> {
    use super::server::{auth, finish, flash, require_user, session};
    use latchkey::auth::AccountError;
    use latchkey::domain::{Flash, ProfileUpdate};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let update =
                ProfileUpdate::parse(&display_name, &bio, &location).map_err(ApiError::Invalid)?;
            let saved = match auth()?
                .account()
                .update_profile(&me, &username, &update)
                .await
            {
                Err(AccountError::Forbidden) => {
                    return Err(ApiError::Forbidden(
                        "You can only edit your own profile.".into(),
                    ))
                }
                other => other?,
            };
            flash(&session, Flash::success("Your profile has been saved.")).await?;
            leptos_axum::redirect(&format!("/users/{}", saved.username));
            Ok(())
        }
        .await,
    )
}
