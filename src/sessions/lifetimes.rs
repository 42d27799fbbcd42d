use super::SignedIn;

/// How long sessions live, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A session unused this long is over (default 30 minutes).
    pub idle: i64,
    /// A session this old is over however busy (default 12 hours).
    pub absolute: i64,
    /// A remember-me token lives this long after its last use (default 30
    /// days). Sessions it starts follow `idle` and `absolute` like any other.
    pub remembered: i64,
}

impl Lifetimes {
    /// Whether "Remember me" is offered at all (a zero period turns it off).
    pub fn remembers(&self) -> bool {
        self.remembered > 0
    }
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            idle: 30 * 60,
            absolute: 12 * 60 * 60,
            remembered: 30 * 24 * 60 * 60,
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
    let (idle, absolute) = (lifetimes.idle, lifetimes.absolute);
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
            idle: 10,
            absolute: 100,
            remembered: 1_000,
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
