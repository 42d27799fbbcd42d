//! The factors context ([`super::Auth::factors`]): an account's second
//! factors and passkeys, set up, renewed and removed in sudo mode, with its
//! own [`FactorError`].

use super::Failure;
use crate::throttle::RetryAfter;

context!(
    /// Second factors and passkeys: the security page's changes.
    Factors,
    factors
);

/// What the factors context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum FactorError {
    /// This server keeps no authenticator secrets (no `LATCHKEY_SECRET_KEY`).
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// The authenticator app is already on.
    #[error("the authenticator app is already on")]
    FactorAlreadyOn,
    /// No authenticator app is on.
    #[error("no authenticator app is on")]
    FactorOff,
    /// The first code from the authenticator app is wrong.
    #[error("that code is not right")]
    WrongCode,
    /// Too many wrong codes for this account lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// This server offers no passkeys; the text says why.
    #[error("passkeys are not available here")]
    PasskeysUnavailable(String),
    /// The browser's new passkey was not accepted.
    #[error("that passkey was not accepted")]
    PasskeyRefused,
    /// No passkey ceremony waits on this browser (or it waited too long).
    #[error("the passkey request expired")]
    PasskeyExpired,
    /// The passkey being added is already on an account.
    #[error("that passkey is already registered")]
    PasskeyExists,
    /// The passkey is not one of the user's (or is already gone).
    #[error("that passkey is not one of yours")]
    NotYourPasskey,
    /// The account has no password to remove.
    #[error("the account has no password")]
    NoPassword,
    /// Removing this would leave the account no way to sign in.
    #[error("that is the account's last way to sign in")]
    LastSignInMethod,
    /// The proof of sudo mode is another user's.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(FactorError);

super::check::takes_checks!(FactorError { ceremony });

impl From<super::sudo::NotYours> for FactorError {
    fn from(_: super::sudo::NotYours) -> Self {
        FactorError::ConfirmPassword
    }
}
