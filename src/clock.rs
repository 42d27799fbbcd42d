//! The one source of time in the core, injectable so tests move time instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Tells the time in Unix seconds.
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

    /// A clock standing at `unix_seconds` until moved with [`Clock::advance`].
    pub fn manual(unix_seconds: i64) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(unix_seconds))),
        }
    }

    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        match &self.manual {
            Some(at) => at.load(Ordering::SeqCst),
            None => time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// Now, as the domain speaks of it.
    pub fn time(&self) -> crate::domain::UnixTime {
        crate::domain::UnixTime::from_seconds(self.now())
    }

    /// Moves a manual clock forward; the system clock ignores it.
    pub fn advance(&self, seconds: i64) {
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
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now(), 1_000);
        clock.advance(61);
        assert_eq!(clock.clone().now(), 1_061);
    }

    /// The system clock tells Unix seconds (not milliseconds, not a fixed
    /// value) and ignores `advance`.
    #[test]
    fn the_system_clock_tells_the_operating_systems_unix_seconds() {
        let clock = Clock::system();
        clock.advance(1_000_000);
        let os = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!((clock.now() - os).abs() <= 2, "{} vs {os}", clock.now());
    }
}
