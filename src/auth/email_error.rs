//! The email context ([`super::Auth::email`]): confirming an account's
//! address and moving it to another, with its own [`EmailError`].

use super::Failure;
use crate::throttle::RetryAfter;

context!(
    /// An account's address: confirming it, mailing its link again, moving it.
    Email,
    email
);

/// What the email context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// The link is unknown, used, expired, or no longer matches the
    /// account's address (or another account confirmed it first).
    #[error("that link is not valid")]
    LinkInvalid,
    /// The account has no email address.
    #[error("the account has no email address")]
    NoEmail,
    /// The account's address is already confirmed.
    #[error("the address is already verified")]
    AlreadyVerified,
    /// The new address is the one the account already has.
    #[error("that is already your address")]
    Unchanged,
    /// Too many mails of this kind lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// Moving the address needs sudo mode.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(EmailError);
