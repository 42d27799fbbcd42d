//! A sign-in waiting for its second factor: held in the session beside (never
//! as) a sign-in, so that nothing but the second step reads it.

use crate::sessions::BrowserSession;
use serde::{Deserialize, Serialize};

use super::{SessionError, Via, LOADED_USER_KEY, SIGNED_IN_KEY};
use crate::domain::UserId;

const PENDING_KEY: &str = "factor_pending";
/// How long a sign-in waits for its second factor before it must start over.
pub const PENDING_SECONDS: i64 = 5 * 60;

/// A sign-in that gave its first proof (`via`) and waits for a second
/// factor. It is not signed in: nothing but the second step reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Who is signing in.
    pub user: UserId,
    /// When the first proof was given.
    pub since: i64,
    /// Whether "Remember me" was ticked (its token comes after the factor).
    pub remember: bool,
    /// The first proof.
    pub via: Via,
}

/// Holds `pending` on this browser under a new session id, in place of any
/// sign-in it had (whose device the caller has forgotten).
pub(crate) async fn hold_pending(
    session: &BrowserSession,
    pending: Pending,
) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.remove_value(SIGNED_IN_KEY).await?;
    session.remove_value(LOADED_USER_KEY).await?;
    session.insert(PENDING_KEY, pending).await?;
    Ok(())
}

/// The sign-in this browser holds waiting for a second factor, if it is
/// younger than [`PENDING_SECONDS`] at `now`.
pub(crate) async fn pending(
    session: &BrowserSession,
    now: i64,
) -> Result<Option<Pending>, SessionError> {
    let pending = session.get::<Pending>(PENDING_KEY).await?;
    Ok(pending.filter(|p| (0..PENDING_SECONDS).contains(&(now - p.since))))
}

/// Drops the waiting sign-in.
pub(crate) async fn clear_pending(session: &BrowserSession) -> Result<(), SessionError> {
    session.remove_value(PENDING_KEY).await?;
    Ok(())
}
