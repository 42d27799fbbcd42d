//! Per client address limits on what anyone may ask without an account:
//! log-in attempts, registrations, strength checks and mailed links. One
//! SQLite server keeps them in memory (no write, so a flood never holds the
//! database's one write lock); app servers sharing PostgreSQL keep them in
//! the database, so that N servers do not give an attacker N times the rate.
//!
//! An IPv6 client is limited by its /64, the block one subscriber is given:
//! keyed by the whole address, one home would have 2^64 allowances.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::RetryAfter;
use crate::clock::Clock;
use crate::store::{Store, StoreError};

/// How many requests one client address may make, for each limited kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressQuotas {
    /// Log-in attempts per minute.
    pub logins_per_minute: NonZeroU32,
    /// Registrations per hour.
    pub registrations_per_hour: NonZeroU32,
    /// Password strength checks (the meter's) per minute.
    pub strength_checks_per_minute: NonZeroU32,
    /// Mailed-link requests (forgot password, sign-in link, resend) per hour.
    pub mailed_links_per_hour: NonZeroU32,
}

/// A request the limits refused, or could not count.
#[derive(Debug, thiserror::Error)]
pub enum Limited {
    /// Over the address's allowance: wait this long.
    #[error("too many requests from this address")]
    Wait(RetryAfter),
    /// The shared counter could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One limited kind of request.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Logins,
    Registrations,
    StrengthChecks,
    MailedLinks,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Logins,
        Kind::Registrations,
        Kind::StrengthChecks,
        Kind::MailedLinks,
    ];

    /// Its name in the shared table.
    fn code(self) -> &'static str {
        match self {
            Kind::Logins => "login",
            Kind::Registrations => "register",
            Kind::StrengthChecks => "strength",
            Kind::MailedLinks => "mailed",
        }
    }

    /// Its allowance and the seconds it is for.
    fn quota(self, quotas: &AddressQuotas) -> (NonZeroU32, i64) {
        match self {
            Kind::Logins => (quotas.logins_per_minute, 60),
            Kind::Registrations => (quotas.registrations_per_hour, 60 * 60),
            Kind::StrengthChecks => (quotas.strength_checks_per_minute, 60),
            Kind::MailedLinks => (quotas.mailed_links_per_hour, 60 * 60),
        }
    }
}

/// The per-address limits of one app server, or of all that share its
/// database.
#[derive(Clone, Debug)]
pub struct AddressLimits(Arc<Counters>);

#[derive(Debug)]
enum Counters {
    /// Each allowance in a burst, then replenished evenly (GCRA).
    Memory(Box<[DefaultKeyedRateLimiter<IpAddr>; 4]>),
    /// A count per address and fixed window, in the database: every server
    /// sharing it counts the same requests.
    Shared {
        store: Store,
        clock: Clock,
        quotas: AddressQuotas,
    },
}

impl AddressLimits {
    /// Limits kept in this process's memory: each quota is allowed in a
    /// burst and then replenished evenly.
    pub fn new(quotas: AddressQuotas) -> Self {
        let limiter = |kind: Kind| {
            let (n, seconds) = kind.quota(&quotas);
            let quota = match seconds {
                60 => Quota::per_minute(n),
                _ => Quota::per_hour(n),
            };
            RateLimiter::keyed(quota)
        };
        Self(Arc::new(Counters::Memory(Box::new(Kind::ALL.map(limiter)))))
    }

    /// Limits counted in `store`, shared by every app server on it: each
    /// quota per fixed window (a minute or an hour) on `clock`.
    pub fn shared(store: Store, clock: Clock, quotas: AddressQuotas) -> Self {
        Self(Arc::new(Counters::Shared {
            store,
            clock,
            quotas,
        }))
    }

    /// The limits for `store`: shared in the database on PostgreSQL (several
    /// app servers), in memory on SQLite (one).
    pub fn for_store(store: &Store, clock: &Clock, quotas: AddressQuotas) -> Self {
        match store.is_postgres() {
            true => Self::shared(store.clone(), clock.clone(), quotas),
            false => Self::new(quotas),
        }
    }

    /// Takes one strength check from `ip`'s allowance.
    pub async fn check_strength(&self, ip: Option<IpAddr>) -> Result<(), Limited> {
        self.take(Kind::StrengthChecks, ip).await
    }

    /// Takes one log-in attempt from `ip`'s allowance.
    pub async fn log_in(&self, ip: Option<IpAddr>) -> Result<(), Limited> {
        self.take(Kind::Logins, ip).await
    }

    /// Takes one registration from `ip`'s allowance.
    pub async fn register(&self, ip: Option<IpAddr>) -> Result<(), Limited> {
        self.take(Kind::Registrations, ip).await
    }

    /// Takes one mailed-link request from `ip`'s allowance.
    pub async fn mail_link(&self, ip: Option<IpAddr>) -> Result<(), Limited> {
        self.take(Kind::MailedLinks, ip).await
    }

    /// Forgets what no longer limits anything (call now and then, so the
    /// memory or the table does not grow with every address ever seen).
    pub async fn forget_idle(&self) -> Result<(), StoreError> {
        match &*self.0 {
            Counters::Memory(limiters) => {
                limiters.iter().for_each(|limiter| limiter.retain_recent());
                Ok(())
            }
            Counters::Shared { store, clock, .. } => {
                // Every window is at most an hour long.
                store
                    .db()
                    .forget_address_hits(clock.seconds() - 60 * 60)
                    .await?;
                Ok(())
            }
        }
    }

    async fn take(&self, kind: Kind, ip: Option<IpAddr>) -> Result<(), Limited> {
        // Without a peer address (never the case behind axum's connect info)
        // all such requests share one allowance.
        let ip = ip.map_or(IpAddr::from([0, 0, 0, 0]), address_key);
        match &*self.0 {
            Counters::Memory(limiters) => {
                limiters[kind as usize].check_key(&ip).map_err(|not_until| {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    Limited::Wait(RetryAfter(seconds).max(RetryAfter(1)))
                })
            }
            Counters::Shared {
                store,
                clock,
                quotas,
            } => {
                let (allowed, seconds) = kind.quota(quotas);
                let now = clock.seconds();
                let window = now - now.rem_euclid(seconds);
                let hits = store
                    .db()
                    .count_address_hit(kind.code(), &ip.to_string(), window)
                    .await?;
                match hits > i64::from(allowed.get()) {
                    true => Err(Limited::Wait(RetryAfter::seconds(window + seconds - now))),
                    false => Ok(()),
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas(logins: u32, registrations: u32, strength: u32) -> AddressQuotas {
        let n = |n| NonZeroU32::new(n).unwrap();
        AddressQuotas {
            logins_per_minute: n(logins),
            registrations_per_hour: n(registrations),
            strength_checks_per_minute: n(strength),
            mailed_links_per_hour: n(2),
        }
    }

    fn waits(result: Result<(), Limited>) -> u64 {
        match result {
            Err(Limited::Wait(wait)) => wait.0,
            other => panic!("expected a wait, got {other:?}"),
        }
    }

    /// Both kinds of counter, each over its own store.
    async fn both(quotas: AddressQuotas) -> Vec<(AddressLimits, tempfile::TempDir)> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("limits.db").display());
        let store = Store::connect(&url).await.unwrap();
        let shared = AddressLimits::shared(
            store,
            Clock::manual(crate::domain::UnixTime::from_seconds(1_800_000_000)),
            quotas,
        );
        let memory = AddressLimits::new(quotas);
        vec![(memory, tempfile::tempdir().unwrap()), (shared, dir)]
    }

    #[tokio::test]
    async fn an_address_gets_its_allowance_then_waits() {
        for (limits, _dir) in both(quotas(3, 1, 2)).await {
            let ip = Some(IpAddr::from([10, 0, 0, 1]));
            for _ in 0..3 {
                assert!(limits.log_in(ip).await.is_ok());
            }
            let wait = waits(limits.log_in(ip).await);
            assert!((1..=60).contains(&wait), "{wait:?}");
            assert!(limits
                .log_in(Some(IpAddr::from([10, 0, 0, 2])))
                .await
                .is_ok());
            assert!(limits.register(ip).await.is_ok());
            assert!(waits(limits.register(ip).await) > 60);
            assert!(limits.check_strength(ip).await.is_ok());
            assert!(limits.check_strength(ip).await.is_ok());
            assert!(limits.check_strength(ip).await.is_err());
            assert!(limits.mail_link(ip).await.is_ok());
            assert!(limits.mail_link(ip).await.is_ok());
            assert!(waits(limits.mail_link(ip).await) > 60);
        }
    }

    #[tokio::test]
    async fn one_ipv6_slash_64_shares_one_allowance() {
        for (limits, _dir) in both(quotas(2, 1, 1)).await {
            let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
            assert!(limits.log_in(ip("2001:db8:1:2::1")).await.is_ok());
            // Another address in the same /64: the same subscriber.
            let same = ip("2001:db8:1:2:ffff:ffff:ffff:ffff");
            assert!(limits.log_in(same).await.is_ok());
            assert!(limits
                .log_in(ip("2001:db8:1:2:dead:beef:0:7"))
                .await
                .is_err());
            // The next /64 is somebody else.
            assert!(limits.log_in(ip("2001:db8:1:3::1")).await.is_ok());
            // An IPv4 client seen through an IPv6 socket is that IPv4 address.
            assert!(limits.log_in(ip("10.0.0.9")).await.is_ok());
            assert!(limits.log_in(ip("::ffff:10.0.0.9")).await.is_ok());
            assert!(limits.log_in(ip("10.0.0.9")).await.is_err());
            assert!(limits.log_in(ip("10.0.0.10")).await.is_ok());
        }
    }

    /// Two handles on one database (two app servers): one allowance, also
    /// when twenty requests come at once.
    #[tokio::test]
    async fn shared_limits_hold_across_servers_under_parallel_requests() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("limits.db").display());
        let clock = Clock::manual(crate::domain::UnixTime::from_seconds(1_800_000_000));
        let server = |store: Store| AddressLimits::shared(store, clock.clone(), quotas(5, 1, 1));
        let a = server(Store::connect(&url).await.unwrap());
        let b = server(Store::connect(&url).await.unwrap());
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        let mut tries = tokio::task::JoinSet::new();
        for n in 0..20 {
            let limits = if n % 2 == 0 { a.clone() } else { b.clone() };
            tries.spawn(async move { limits.log_in(ip).await.is_ok() });
        }
        let allowed = tries.join_all().await.into_iter().filter(|ok| *ok).count();
        assert_eq!(allowed, 5);
        // The next window is a new allowance; the old one can be forgotten.
        clock.advance_seconds(60);
        assert!(a.log_in(ip).await.is_ok());
        clock.advance_seconds(60 * 60);
        a.forget_idle().await.unwrap();
    }
}
