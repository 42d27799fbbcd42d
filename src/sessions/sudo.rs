//! "Sudo mode": sensitive actions (changing the password or username, deleting
//! the account, signing other devices out) need the password to have been
//! given on this session within the last ten minutes. A stolen, still-live
//! session, or a browser left signed in, cannot do them without it.

use crate::sessions::BrowserSession;

use super::{SessionError, SessionPolicy, SignedIn, SIGNED_IN_KEY};
use crate::domain::UnixTime;

/// How long a password check unlocks sensitive actions, in seconds.
pub const SUDO_SECONDS: i64 = 10 * 60;

impl SessionPolicy {
    /// Whether a password given at `confirmed` (the session's record, as
    /// [`SessionPolicy::signed_in_user`] read it) is within [`SUDO_SECONDS`].
    pub fn sudo_active(&self, confirmed: Option<UnixTime>) -> bool {
        confirmed.is_some_and(|at| within_sudo_window(at.seconds(), self.clock.seconds()))
    }

    /// Notes that the password was just checked on this session, under a new
    /// id, as a sign-in does: a copy of the cookie taken earlier does not
    /// gain sudo mode (its id no longer exists).
    pub async fn confirmed_password(&self, session: &BrowserSession) -> Result<(), SessionError> {
        if let Some(mut record) = session.get::<SignedIn>(SIGNED_IN_KEY).await? {
            session.cycle_id().await?;
            record.confirmed = Some(self.clock.seconds());
            session.insert(SIGNED_IN_KEY, record).await?;
        }
        Ok(())
    }
}

/// Whether a password given at `confirmed` still counts at `now`.
pub(crate) fn within_sudo_window(confirmed: i64, now: i64) -> bool {
    (0..SUDO_SECONDS).contains(&(now - confirmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_counts_for_ten_minutes_and_not_a_second_more() {
        assert!(within_sudo_window(1_000, 1_000));
        assert!(within_sudo_window(1_000, 1_000 + SUDO_SECONDS - 1));
        assert!(!within_sudo_window(1_000, 1_000 + SUDO_SECONDS));
    }

    #[test]
    fn a_check_from_the_future_does_not_count() {
        // A clock stepped backwards must not extend the window.
        assert!(!within_sudo_window(1_000, 999));
    }
}
