//! Log-in state on a tower-sessions [`Session`]: the cookie carries only the
//! session's random id; the user id and flash messages stay server-side.

use tower_sessions::{Expiry, Session};

use crate::domain::{Flash, UserId};

const USER_KEY: &str = "uid";
const FLASH_KEY: &str = "flash";

/// How long a remembered browser keeps its session cookie without a visit.
pub const REMEMBER_FOR: time::Duration = time::Duration::days(30);

/// The session store failed.
#[derive(Debug, thiserror::Error)]
#[error("session store: {0}")]
pub struct SessionError(#[from] tower_sessions::session::Error);

/// Logs `user` in on this session. The id is cycled first, so an id planted
/// before log-in is worthless after it (no fixation). With `remember`, the
/// cookie outlives the browser; without, it dies with it.
pub async fn log_in(session: &Session, user: UserId, remember: bool) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user.0).await?;
    session.set_expiry(Some(if remember {
        Expiry::OnInactivity(REMEMBER_FOR)
    } else {
        Expiry::OnSessionEnd
    }));
    Ok(())
}

/// Logs out: deletes the session server-side, so a replayed cookie is anonymous.
pub async fn log_out(session: &Session) -> Result<(), SessionError> {
    session.flush().await?;
    Ok(())
}

/// The user this session belongs to, if any.
pub async fn session_user(session: &Session) -> Result<Option<UserId>, SessionError> {
    Ok(session.get::<i64>(USER_KEY).await?.map(UserId))
}

/// Stores a message for the next page this browser shows.
pub async fn push_flash(session: &Session, flash: Flash) -> Result<(), SessionError> {
    session.insert(FLASH_KEY, flash).await?;
    Ok(())
}

/// Takes the pending message, if any, so it shows once. A session left holding
/// nothing is deleted rather than kept as an empty row.
pub async fn take_flash(session: &Session) -> Result<Option<Flash>, SessionError> {
    // `remove` marks a session modified even when the key is absent; look first
    // so that pages without a flash never write to the store.
    if session.get_value(FLASH_KEY).await?.is_none() {
        return Ok(None);
    }
    let flash = session.remove::<Flash>(FLASH_KEY).await?;
    if session.is_empty().await {
        session.flush().await?;
    }
    Ok(flash)
}
