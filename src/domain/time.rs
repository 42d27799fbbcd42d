//! Points in time as the domain speaks of them: [`UnixTime`], whole seconds
//! since 1970 on the core's clock. Serialized as the bare number, so the
//! wire and the database keep their shape; in a signature it says what the
//! number is.

use serde::{Deserialize, Serialize};

/// A moment, in whole seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The moment `seconds` after the epoch.
    pub const fn from_seconds(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Seconds since the epoch.
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// The moment `seconds` earlier (saturating).
    pub const fn before(self, seconds: i64) -> Self {
        Self(self.0.saturating_sub(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_its_bare_number_on_the_wire_and_orders_by_time() {
        let at = UnixTime::from_seconds(1_800_000_000);
        assert_eq!(serde_json::to_string(&at).unwrap(), "1800000000");
        let back: UnixTime = serde_json::from_str("1800000000").unwrap();
        assert_eq!(back, at);
        assert!(at.before(60) < at);
        assert_eq!(at.before(60).seconds(), 1_799_999_940);
    }
}
