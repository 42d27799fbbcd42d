use std::time::Duration;

use super::SignedIn;

/// How long sessions live (to the second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A session unused this long is over (default 30 minutes).
    pub idle: Duration,
    /// A session this old is over however busy (default 12 hours).
    pub absolute: Duration,
    /// A remember-me token lives this long after its last use (default 30
    /// days). Sessions it starts follow `idle` and `absolute` like any other.
    pub remembered: Duration,
}

impl Lifetimes {
    /// Whether "Remember me" is offered at all (a zero period turns it off).
    pub fn remembers(&self) -> bool {
        !self.remembered.is_zero()
    }

    /// `idle` in whole seconds, for the arithmetic on the core's clock.
    pub(crate) fn idle_seconds(&self) -> i64 {
        seconds(self.idle)
    }

    /// `absolute` in whole seconds.
    pub(crate) fn absolute_seconds(&self) -> i64 {
        seconds(self.absolute)
    }

    /// `remembered` in whole seconds.
    pub(crate) fn remembered_seconds(&self) -> i64 {
        seconds(self.remembered)
    }
}

/// A span in whole seconds on the core's clock (a span past `i64` is
/// forever, which no configuration asks for).
pub(crate) fn seconds(span: Duration) -> i64 {
    i64::try_from(span.as_secs()).unwrap_or(i64::MAX)
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
            remembered: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// A session's last use is written back at most this often, so that busy
/// sessions do not cost a store write per request.
pub const TOUCH_EVERY: i64 = 60;

/// What [`judge`] decides about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Alive; `touch` when its last use should be written back.
    Live { touch: bool },
    /// Past its idle or absolute lifetime.
    Expired,
}

/// Decides whether a signed-in session is alive at `now`.
pub(crate) fn judge(record: &SignedIn, now: i64, lifetimes: Lifetimes) -> Verdict {
    let (idle, absolute) = (lifetimes.idle_seconds(), lifetimes.absolute_seconds());
    // A record from the future (a clock set back) is not trusted either.
    let unused_for = now - record.seen;
    let age = now - record.at;
    if unused_for >= idle || age >= absolute || unused_for < 0 || age < 0 {
        return Verdict::Expired;
    }
    Verdict::Live {
        touch: unused_for >= TOUCH_EVERY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;

    fn signed_in(at: i64, seen: i64, remember: bool) -> SignedIn {
        SignedIn {
            user: crate::domain::UserId(1),
            device: crate::domain::DeviceId(1),
            at,
            seen,
            remember,
            confirmed: None,
        }
    }

    #[test]
    fn a_fresh_session_is_alive_and_not_written_back() {
        let record = signed_in(1_000, 1_000, false);
        assert_eq!(
            judge(&record, 1_030, Lifetimes::default()),
            Verdict::Live { touch: false }
        );
    }

    #[test]
    fn a_session_used_a_minute_ago_is_alive_and_written_back() {
        let record = signed_in(1_000, 1_000, false);
        assert_eq!(
            judge(&record, 1_000 + MINUTE, Lifetimes::default()),
            Verdict::Live { touch: true }
        );
    }

    #[test]
    fn thirty_idle_minutes_end_a_session() {
        let record = signed_in(0, 0, false);
        assert!(matches!(
            judge(&record, 30 * MINUTE - 1, Lifetimes::default()),
            Verdict::Live { .. }
        ));
        assert_eq!(
            judge(&record, 30 * MINUTE, Lifetimes::default()),
            Verdict::Expired
        );
    }

    #[test]
    fn twelve_hours_end_even_a_busy_session() {
        let record = signed_in(0, 12 * HOUR - MINUTE, false);
        assert!(matches!(
            judge(&record, 12 * HOUR - 1, Lifetimes::default()),
            Verdict::Live { .. }
        ));
        assert_eq!(
            judge(&record, 12 * HOUR, Lifetimes::default()),
            Verdict::Expired
        );
    }

    #[test]
    fn a_remembered_session_follows_the_same_lifetimes_its_token_restarts_it() {
        let record = signed_in(0, 0, true);
        assert_eq!(
            judge(&record, 30 * MINUTE, Lifetimes::default()),
            Verdict::Expired
        );
    }

    #[test]
    fn a_record_from_the_future_is_not_trusted() {
        let record = signed_in(5_000, 5_000, false);
        assert_eq!(
            judge(&record, 4_000, Lifetimes::default()),
            Verdict::Expired
        );
    }

    #[test]
    fn lifetimes_are_configurable() {
        let short = Lifetimes {
            idle: Duration::from_secs(10),
            absolute: Duration::from_secs(100),
            remembered: Duration::from_secs(1_000),
        };
        assert_eq!(judge(&signed_in(0, 0, false), 10, short), Verdict::Expired);
        assert!(matches!(
            judge(&signed_in(0, 0, false), 9, short),
            Verdict::Live { .. }
        ));
        assert_eq!(
            judge(&signed_in(0, 95, false), 100, short),
            Verdict::Expired
        );
    }
}
