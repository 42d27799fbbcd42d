//! Who a use case acts for, what a sign-in hands back, and how sign-ins
//! are counted.

use tower_sessions::cookie::Cookie;

use crate::domain::{CurrentUser, UnixTime};
use crate::sessions::{RememberToken, SignedInAs};

/// The signed-in user of a request, and which of their devices it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// The user.
    pub user: CurrentUser,
    /// Their session's user and device.
    pub at: SignedInAs,
    /// When they last gave their password (and code), or a passkey, on
    /// this session: what [`super::Auth::sudo`] judges. Private, so a `Me`
    /// is made only by [`super::Auth::current_user`] and sudo mode cannot
    /// be claimed by building one.
    pub(crate) confirmed: Option<UnixTime>,
}

/// A successful sign-in: who, their remember-me token if they asked for
/// one, and the known-browser cookie to set (see [`crate::throttle::KnownBrowsers`]).
#[derive(Debug)]
pub struct SignIn {
    /// The user now signed in.
    pub user: CurrentUser,
    /// The device's remember-me token, with "Remember me".
    pub remember: Option<RememberToken>,
    /// The cookie marking this browser as known to the account.
    pub known_browser: Cookie<'static>,
}

/// How a sign-in that did not fail ended.
#[derive(Debug)]
pub enum SignInOutcome {
    /// The browser is signed in.
    SignedIn(Box<SignIn>),
    /// The first factor was right and the account has a second one: the
    /// browser holds a pending sign-in for five minutes, signed in nowhere,
    /// until the code or passkey comes ([`super::SigningIn::complete`]).
    SecondStepNeeded,
}

impl SignInOutcome {
    /// The sign-in, if the browser is signed in.
    pub fn signed_in(self) -> Option<SignIn> {
        match self {
            Self::SignedIn(signed_in) => Some(*signed_in),
            Self::SecondStepNeeded => None,
        }
    }
}

/// Counts a sign-in attempt (`latchkey_sign_ins_total`) by how it was
/// made and how it ended.
pub(crate) fn count_sign_in(method: &'static str, outcome: &'static str) {
    metrics::counter!("latchkey_sign_ins_total", "method" => method, "outcome" => outcome)
        .increment(1);
}
