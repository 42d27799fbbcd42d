//! Slowing password guessing down: per account in the database (so it holds
//! across every app server sharing it), and per client address in memory.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::clock::Clock;
use crate::domain::{UserId, Username};
use crate::store::{Store, StoreError};

mod browsers;

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

/// How long an account is locked after its `failures`-th failure in a window:
/// nothing for the first few, then doubling from 2 s up to 15 minutes, and the
/// rest of the window once the hard ceiling is reached.
pub fn lock_seconds(failures: i64, window_left: i64) -> i64 {
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

/// Why a reservation was not made.
enum Reserve {
    Locked(RetryAfter),
    Store(StoreError),
}

impl From<StoreError> for Reserve {
    fn from(e: StoreError) -> Self {
        Reserve::Store(e)
    }
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
        let now = self.clock.now();
        let reserved = self
            .store
            .transaction(|store| async move {
                let (attempts, window_start, locked_until) = store
                    .count_throttle_attempt(key, now, WINDOW_SECONDS)
                    .await?;
                if locked_until > now {
                    // Rolled back: a refusal is not an attempt.
                    return Err(Reserve::Locked(RetryAfter::seconds(locked_until - now)));
                }
                let lock = lock_seconds(attempts, window_start + WINDOW_SECONDS - now);
                if lock > 0 {
                    store.lock_throttle(key, now + lock).await?;
                    tracing::warn!(attempts, lock, "an account's password checks are throttled");
                }
                Ok(())
            })
            .await;
        match reserved {
            Ok(()) => Ok(Ok(())),
            Err(Reserve::Locked(wait)) => Ok(Err(wait)),
            Err(Reserve::Store(e)) => Err(e),
        }
    }

    /// A success forgets the failures.
    pub async fn succeeded(&self, key: &str) -> Result<(), StoreError> {
        self.store.clear_throttle(key).await
    }

    /// Deletes records that no longer lock anything.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        self.store
            .purge_throttles(self.clock.now(), WINDOW_SECONDS)
            .await
    }
}

/// How many requests one client address may make, for each limited kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressQuotas {
    /// Log-in attempts per minute.
    pub logins_per_minute: NonZeroU32,
    /// Registrations per hour.
    pub registrations_per_hour: NonZeroU32,
    /// Password strength checks (the meter's) per minute.
    pub strength_checks_per_minute: NonZeroU32,
}

/// Per-address limits on log-in attempts, registrations and strength checks,
/// in memory (each app server keeps its own; the per-account limit is the
/// shared one). An IPv6 client is limited by its /64, the block one
/// subscriber is given: keyed by the whole address, one home would have
/// 2^64 allowances.
#[derive(Clone, Debug)]
pub struct AddressLimits {
    logins: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    registrations: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    strength_checks: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AddressLimits {
    /// Each quota is allowed in a burst and then replenished evenly.
    pub fn new(quotas: AddressQuotas) -> Self {
        Self {
            logins: Arc::new(RateLimiter::keyed(Quota::per_minute(
                quotas.logins_per_minute,
            ))),
            registrations: Arc::new(RateLimiter::keyed(Quota::per_hour(
                quotas.registrations_per_hour,
            ))),
            strength_checks: Arc::new(RateLimiter::keyed(Quota::per_minute(
                quotas.strength_checks_per_minute,
            ))),
        }
    }

    /// Takes one strength check from `ip`'s allowance.
    pub fn check_strength(&self, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        take(&self.strength_checks, ip)
    }

    /// Takes one log-in attempt from `ip`'s allowance.
    pub fn log_in(&self, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        take(&self.logins, ip)
    }

    /// Takes one registration from `ip`'s allowance.
    pub fn register(&self, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        take(&self.registrations, ip)
    }

    /// Forgets addresses whose allowance is full again (call now and then, so
    /// memory does not grow with every address ever seen).
    pub fn forget_idle(&self) {
        self.logins.retain_recent();
        self.registrations.retain_recent();
        self.strength_checks.retain_recent();
    }
}

/// The key `ip` is limited under: an IPv4 address as it is (an IPv4-mapped
/// IPv6 address too), an IPv6 address by its /64.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

fn take(limiter: &DefaultKeyedRateLimiter<IpAddr>, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
    // Without a peer address (never the case behind axum's connect info) all
    // such requests share one allowance.
    let ip = ip.map_or(IpAddr::from([0, 0, 0, 0]), address_key);
    limiter.check_key(&ip).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        RetryAfter(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(RetryAfter(1))
    })
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

    #[test]
    fn an_address_gets_its_burst_then_waits() {
        let limits = AddressLimits::new(quotas(3, 1, 2));
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..3 {
            assert_eq!(limits.log_in(ip), Ok(()));
        }
        let wait = limits.log_in(ip).unwrap_err();
        assert!((1..=20).contains(&wait.0), "{wait:?}");
        assert_eq!(limits.log_in(Some(IpAddr::from([10, 0, 0, 2]))), Ok(()));
        assert_eq!(limits.register(ip), Ok(()));
        assert!(limits.register(ip).unwrap_err().0 > 60);
        assert_eq!(limits.check_strength(ip), Ok(()));
        assert_eq!(limits.check_strength(ip), Ok(()));
        assert!(limits.check_strength(ip).is_err());
    }

    fn quotas(logins: u32, registrations: u32, strength: u32) -> AddressQuotas {
        let n = |n| NonZeroU32::new(n).unwrap();
        AddressQuotas {
            logins_per_minute: n(logins),
            registrations_per_hour: n(registrations),
            strength_checks_per_minute: n(strength),
        }
    }

    #[test]
    fn one_ipv6_slash_64_shares_one_allowance() {
        let limits = AddressLimits::new(quotas(2, 1, 1));
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert_eq!(limits.log_in(ip("2001:db8:1:2::1")), Ok(()));
        // Another address in the same /64: the same subscriber.
        assert_eq!(
            limits.log_in(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            Ok(())
        );
        assert!(limits.log_in(ip("2001:db8:1:2:dead:beef:0:7")).is_err());
        // The next /64 is somebody else.
        assert_eq!(limits.log_in(ip("2001:db8:1:3::1")), Ok(()));
        // An IPv4 client seen through an IPv6 socket is that IPv4 address.
        assert_eq!(limits.log_in(ip("10.0.0.9")), Ok(()));
        assert_eq!(limits.log_in(ip("::ffff:10.0.0.9")), Ok(()));
        assert!(limits.log_in(ip("10.0.0.9")).is_err());
        assert_eq!(limits.log_in(ip("10.0.0.10")), Ok(()));
    }
}
