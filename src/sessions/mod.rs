//! Log-in state on a tower-sessions [`Session`]: the cookie carries only the
//! session's random id; who is signed in, since when, and flash messages stay
//! server-side. Lifetimes are enforced here, on the core's one clock.

mod lifetimes;

use serde::{Deserialize, Serialize};
use tower_sessions::{Expiry, Session};

use crate::clock::Clock;
use crate::domain::{Flash, UserId};
pub use lifetimes::{judge, Lifetimes, Verdict};

const SIGNED_IN_KEY: &str = "auth";
const FLASH_KEY: &str = "flash";

/// The session store failed.
#[derive(Debug, thiserror::Error)]
#[error("session store: {0}")]
pub struct SessionError(#[from] tower_sessions::session::Error);

/// What a signed-in session records about its sign-in (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// Who.
    pub user: i64,
    /// When they signed in.
    pub at: i64,
    /// When the session was last used (updated at most once a minute).
    pub seen: i64,
    /// Whether they ticked "Remember me".
    pub remember: bool,
}

/// Signs users in and out, and decides whether a session is still alive.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    clock: Clock,
    lifetimes: Lifetimes,
}

impl SessionPolicy {
    /// A policy on `clock` with these lifetimes.
    pub fn new(clock: Clock, lifetimes: Lifetimes) -> Self {
        Self { clock, lifetimes }
    }

    /// The lifetimes in force.
    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    /// Logs `user` in on this session. The id is cycled first, so an id planted
    /// before log-in is worthless after it (no fixation). With `remember`, the
    /// cookie outlives the browser; without, it dies with it.
    pub async fn log_in(
        &self,
        session: &Session,
        user: UserId,
        remember: bool,
    ) -> Result<(), SessionError> {
        session.cycle_id().await?;
        let now = self.clock.now();
        session
            .insert(
                SIGNED_IN_KEY,
                SignedIn {
                    user: user.0,
                    at: now,
                    seen: now,
                    remember,
                },
            )
            .await?;
        session.set_expiry(Some(if remember {
            Expiry::OnInactivity(time::Duration::seconds(self.lifetimes.remembered))
        } else {
            Expiry::OnSessionEnd
        }));
        Ok(())
    }

    /// The user this session belongs to, if it is still alive. A session past
    /// its idle or absolute lifetime is deleted and answers `None`, whatever the
    /// browser's cookie says.
    pub async fn signed_in_user(&self, session: &Session) -> Result<Option<UserId>, SessionError> {
        let Some(mut record) = session.get::<SignedIn>(SIGNED_IN_KEY).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        match judge(&record, now, self.lifetimes) {
            Verdict::Expired => {
                log_out(session).await?;
                Ok(None)
            }
            Verdict::Live { touch } => {
                if touch {
                    record.seen = now;
                    session.insert(SIGNED_IN_KEY, record).await?;
                }
                Ok(Some(UserId(record.user)))
            }
        }
    }
}

/// Logs out: deletes the session server-side, so a replayed cookie is anonymous.
pub async fn log_out(session: &Session) -> Result<(), SessionError> {
    session.flush().await?;
    Ok(())
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
