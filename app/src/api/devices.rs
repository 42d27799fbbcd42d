use latchkey::domain::Device;
use leptos::prelude::*;

use super::ApiError;

/// Every place the signed-in user is signed in, this browser marked.
#[server(endpoint = "devices")]
pub async fn list_devices() -> Result<Vec<Device>, ApiError> {
    use super::server::{auth, finish, require_user, session};

    finish(
        async move {
            let me = require_user(&session()?).await?;
            Ok(auth()?.devices().list(&me).await?)
        }
        .await,
    )
}

/// Signs one of the user's devices out at once (sudo mode); anyone else's is refused.
#[server(endpoint = "revoke_device")]
pub async fn revoke_device(device: i64) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::{DeviceId, Flash};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            auth()?
                .devices()
                .revoke(&me, &sudo, DeviceId(device), &client_info())
                .await?;
            flash(&session, Flash::success("That device has been signed out.")).await?;
            Ok(())
        }
        .await,
    )
}

/// Signs out every device of the user but this one (sudo mode).
#[server(endpoint = "revoke_other_devices")]
pub async fn revoke_other_devices() -> Result<u64, ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::domain::Flash;

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            let sudo = auth()?.sudo(&me)?;
            let count = auth()?
                .devices()
                .revoke_others(&me, &sudo, &client_info())
                .await?;
            let message = match count {
                0 => "No other device was signed in.".to_string(),
                1 => "1 other device has been signed out.".to_string(),
                n => format!("{n} other devices have been signed out."),
            };
            flash(&session, Flash::success(message)).await?;
            Ok(count)
        }
        .await,
    )
}
