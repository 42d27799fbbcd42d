use super::UnixTime;
use serde::{Deserialize, Serialize};

/// The database id of a signed-in browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceId(pub i64);

impl From<i64> for DeviceId {
    fn from(id: i64) -> Self {
        Self(id)
    }
}

/// A place where a user is signed in, as the device list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Its id, for signing it out.
    pub id: DeviceId,
    /// The browser, as its user agent names it ("Chrome 131", "Firefox").
    pub browser: String,
    /// The operating system ("Linux", "Mac OSX", "Android").
    pub os: String,
    /// The IP address it signed in from.
    pub ip: String,
    /// When it signed in (Unix seconds).
    pub signed_in_at: UnixTime,
    /// When it was last used (Unix seconds, to the minute).
    pub last_active_at: UnixTime,
    /// Whether "Remember me" was ticked.
    pub remembered: bool,
    /// When its sign-in ends if it is not used again (Unix seconds): the
    /// remember-me token's expiry for a remembered device, else its session's
    /// idle or absolute end, whichever comes first.
    pub ends_at: Option<UnixTime>,
    /// Whether it is the browser asking.
    pub current: bool,
    /// How it signed in ("password and authenticator code"), when known.
    #[serde(default)]
    pub signed_in_with: Option<String>,
}
