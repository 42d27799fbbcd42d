//! The one source of time in the core, injectable so tests move time instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::domain::UnixTime;

/// Tells the time, to the second.
#[derive(Clone, Debug)]
pub struct Clock {
    // None: the system clock; Some: a manual clock that tests move.
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock standing at `at` until moved with [`Clock::advance`].
    pub fn manual(at: UnixTime) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(at.seconds()))),
        }
    }

    /// Now.
    pub fn now(&self) -> UnixTime {
        UnixTime::from_seconds(self.seconds())
    }

    /// Now, in Unix seconds: what the core's arithmetic on times runs on.
    pub(crate) fn seconds(&self) -> i64 {
        match &self.manual {
            Some(at) => at.load(Ordering::SeqCst),
            None => time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// Moves a manual clock forward `by` (whole seconds); the system clock
    /// ignores it.
    pub fn advance(&self, by: Duration) {
        self.advance_seconds(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }

    /// [`Clock::advance`] by a count of seconds, for the core's own tests.
    pub(crate) fn advance_seconds(&self, seconds: i64) {
        if let Some(at) = &self.manual {
            at.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(UnixTime::from_seconds(1_000));
        assert_eq!(clock.now(), UnixTime::from_seconds(1_000));
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.clone().now().seconds(), 1_061);
    }

    /// The system clock tells Unix seconds (not milliseconds, not a fixed
    /// value) and ignores `advance`.
    #[test]
    fn the_system_clock_tells_the_operating_systems_unix_seconds() {
        let clock = Clock::system();
        clock.advance(Duration::from_secs(1_000_000));
        let os = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let now = clock.now().seconds();
        assert!((now - os).abs() <= 2, "{now} vs {os}");
    }
}
