//! Who a use case acts for, and what a sign-in hands back.

use crate::domain::CurrentUser;
use crate::sessions::{RememberToken, SignedInAs};

/// The signed-in user of a request, and which of their devices it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// The user.
    pub user: CurrentUser,
    /// Their session's user and device.
    pub at: SignedInAs,
}

/// A successful sign-in: who, their remember-me token if they asked for
/// one, and the known-browser cookie to set (see [`crate::throttle::KnownBrowsers`]).
#[derive(Debug)]
pub struct SignIn {
    /// The user now signed in.
    pub user: CurrentUser,
    /// The device's remember-me token, with "Remember me".
    pub remember: Option<RememberToken>,
    /// A `Set-Cookie` value marking this browser as known to the account.
    pub known_browser: String,
}
