use latchkey::domain::Activity;
use leptos::prelude::*;

use super::ApiError;

/// The signed-in user's latest security events, newest first.
#[server(endpoint = "activity")]
pub async fn list_activity() -> Result<Vec<Activity>, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.devices().activity(&me).await?)
        }
        .await,
    )
}
