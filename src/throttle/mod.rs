//! Slowing password guessing down: per account in the database (so it holds
//! across every app server sharing it), and per client address (in memory on
//! one SQLite server, in the database on PostgreSQL).

use crate::clock::Clock;
use crate::domain::{UserId, Username};
use crate::store::{Store, StoreError};

mod address;
mod browsers;

pub use address::{address_key, AddressLimits, AddressQuotas, Limited};
pub use browsers::{KnownBrowser, KnownBrowsers, KNOWN_FOR_SECONDS};

/// How long to wait before trying again, in whole seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    fn seconds(seconds: i64) -> Self {
        Self(seconds.max(1).unsigned_abs())
    }
}

/// Failures allowed before any waiting starts.
pub const FREE_FAILURES: i64 = 5;
/// Failures are counted in windows of this many seconds from the first one.
pub const WINDOW_SECONDS: i64 = 60 * 60;
/// The hard ceiling on failures per account per window.
pub const MAX_FAILURES_PER_WINDOW: i64 = 100;
/// The longest single lock.
pub const MAX_LOCK_SECONDS: i64 = 15 * 60;
/// The hard cap on second-factor codes an account may get wrong in a day
/// (ASVS 5.0 6.3.1, 6.6.3): past it the code step is shut until the day's
/// window ends, or a right code clears it. With the doubling locks a day
/// allows some 600 guesses; this cap makes it 30 (a 6-digit code with one
/// step of drift: about 1 in 11,000 a day).
pub const MAX_CODE_FAILURES_PER_DAY: i64 = 30;
/// The window of [`MAX_CODE_FAILURES_PER_DAY`].
pub const DAY_SECONDS: i64 = 24 * 60 * 60;
/// How the keys of daily caps start.
pub const DAILY_KEY_PREFIX: &str = "day:";

/// How long an account is locked after its `failures`-th failure in a window:
/// nothing for the first few, then doubling from 2 s up to 15 minutes, and the
/// rest of the window once the hard ceiling is reached.
pub(crate) fn lock_seconds(failures: i64, window_left: i64) -> i64 {
    if failures >= MAX_FAILURES_PER_WINDOW {
        return window_left.max(1);
    }
    if failures <= FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    2i64.pow(doublings).min(MAX_LOCK_SECONDS)
}

/// The throttle key of a log-in attempt for `username` as typed: the same for
/// every spelling of one account, and for names that exist or not.
pub fn login_key(username: &str) -> String {
    match Username::parse(username) {
        Ok(name) => format!("login:{}", name.key()),
        // Not a possible name: key it by a digest of what was typed, so any
        // bytes at all (NUL included, which PostgreSQL refuses in text) and
        // any length make a short, storable key.
        Err(_) => {
            use sha2::{Digest, Sha256};
            let folded = username.trim().to_lowercase();
            let digest = Sha256::digest(folded.as_bytes());
            format!("login?{}", hex::encode(&digest[..16]))
        }
    }
}

/// The throttle key of password confirmations by a signed-in user.
pub fn user_key(user: UserId) -> String {
    format!("user:{}", user.0)
}

/// Per-account throttling, stored in the database.
#[derive(Clone, Debug)]
pub struct AccountThrottle {
    store: Store,
    clock: Clock,
}

impl AccountThrottle {
    /// Over `store`, on `clock`.
    pub fn new(store: Store, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Counts an attempt on `key` before its password is checked, or refuses
    /// it while `key` is locked. The count and the lock it calls for are one
    /// transaction that holds `key`'s row (SQLite's write lock, PostgreSQL's
    /// row lock), so attempts arriving at once are counted one after another
    /// and at most one of them passes each lock: a burst gets no more checks
    /// than the same guesses sent one by one. A refused attempt is not
    /// counted. A success clears the count ([`Self::succeeded`]).
    pub async fn reserve(&self, key: &str) -> Result<Result<(), RetryAfter>, StoreError> {
        self.reserve_with(key, WINDOW_SECONDS, lock_seconds).await
    }

    /// [`Self::reserve`] against a hard cap: `cap` attempts in a window of
    /// `window` seconds, then none until it ends (or a success clears it).
    pub async fn reserve_capped(
        &self,
        key: &str,
        cap: i64,
        window: i64,
    ) -> Result<Result<(), RetryAfter>, StoreError> {
        let lock = |attempts: i64, left: i64| if attempts >= cap { left.max(1) } else { 0 };
        self.reserve_with(key, window, lock).await
    }

    async fn reserve_with(
        &self,
        key: &str,
        window: i64,
        lock_for: impl Fn(i64, i64) -> i64,
    ) -> Result<Result<(), RetryAfter>, StoreError> {
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let counted = db.count_throttle_attempt(key, now, window).await?;
        let (attempts, locked_until) = (counted.failures, counted.locked_until);
        if locked_until > now {
            // Rolled back (dropped): a refusal is not an attempt.
            return Ok(Err(RetryAfter::seconds(locked_until - now)));
        }
        let lock = lock_for(attempts, counted.window_start + window - now);
        if lock > 0 {
            db.lock_throttle(key, now + lock).await?;
            tracing::warn!(attempts, lock, "an account's password checks are throttled");
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A success forgets the failures.
    pub async fn succeeded(&self, key: &str) -> Result<(), StoreError> {
        self.store.db().clear_throttle(key).await
    }

    /// Deletes records that no longer lock anything (the daily caps' once
    /// their day is over).
    pub async fn purge(&self) -> Result<u64, StoreError> {
        self.store
            .db()
            .purge_throttles(
                self.clock.seconds(),
                WINDOW_SECONDS,
                (DAILY_KEY_PREFIX, DAY_SECONDS),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failures_are_free_then_the_wait_doubles_to_a_ceiling() {
        let hour = WINDOW_SECONDS;
        assert_eq!(lock_seconds(1, hour), 0);
        assert_eq!(lock_seconds(FREE_FAILURES, hour), 0);
        assert_eq!(lock_seconds(FREE_FAILURES + 1, hour), 2);
        assert_eq!(lock_seconds(FREE_FAILURES + 2, hour), 4);
        assert_eq!(lock_seconds(FREE_FAILURES + 9, hour), 512);
        assert_eq!(lock_seconds(FREE_FAILURES + 10, hour), MAX_LOCK_SECONDS);
        assert_eq!(lock_seconds(99, hour), MAX_LOCK_SECONDS);
    }

    #[test]
    fn the_hundredth_failure_locks_the_rest_of_the_window() {
        assert_eq!(lock_seconds(MAX_FAILURES_PER_WINDOW, 1234), 1234);
        assert_eq!(lock_seconds(MAX_FAILURES_PER_WINDOW, 0), 1);
    }

    #[test]
    fn an_hour_of_guessing_gets_far_fewer_than_a_hundred_tries() {
        // Always guessing the moment the lock ends.
        let (mut now, mut failures) = (0, 0);
        while now < WINDOW_SECONDS {
            failures += 1;
            now += lock_seconds(failures, WINDOW_SECONDS - now).max(1);
        }
        assert!(failures < 25, "{failures}");
    }

    #[test]
    fn every_spelling_of_a_name_shares_one_key() {
        assert_eq!(login_key("Alice"), login_key("alice"));
        assert_eq!(login_key(" no such name "), login_key("NO SUCH NAME"));
        assert_ne!(login_key("alice"), login_key("bob"));
        assert!(login_key(&"x".repeat(10_000)).len() < 80);
        assert!(
            !login_key("a\0b").contains('\0'),
            "storable in any database"
        );
        assert_ne!(login_key("a\0b"), login_key("a\0c"));
        assert_ne!(login_key("alice"), user_key(UserId(1)));
    }
}
