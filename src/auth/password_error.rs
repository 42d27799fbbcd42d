//! The passwords context ([`super::Auth::passwords`]): changing the
//! password while signed in, and setting a new one with a mailed reset link,
//! with its own [`PasswordError`].

use super::check::takes_checks;
use super::Failure;
use crate::accounts::NewPasswordError;
use crate::throttle::RetryAfter;

context!(
    /// The password: changing it, or resetting a forgotten one by mail.
    Passwords,
    passwords
);

/// What the passwords context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The current password given is not the account's.
    #[error("that is not the password")]
    WrongPassword,
    /// The account has a password, and the current one was not given.
    #[error("enter your password")]
    PasswordNeeded,
    /// The account has a second factor, and no code was given.
    #[error("enter the code from your authenticator app")]
    CodeNeeded,
    /// The second factor's code is wrong, or was used already.
    #[error("that code is not right")]
    WrongCode,
    /// Too many wrong passwords or codes for this account lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// This server keeps no authenticator secrets, so a code cannot be checked.
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// An account without a password changes it in sudo mode only.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// The new password is too easy to guess; the text says why.
    #[error("weak password")]
    WeakPassword(String),
    /// The reset link is unknown, used, expired, or no longer matches the
    /// account's address.
    #[error("that link is not valid")]
    LinkInvalid,
    /// The account is gone.
    #[error("no such user")]
    NotFound,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(PasswordError);
takes_checks!(PasswordError { reauth });

impl From<NewPasswordError> for PasswordError {
    fn from(e: NewPasswordError) -> Self {
        match e {
            NewPasswordError::Weak(why) => PasswordError::WeakPassword(why),
            NewPasswordError::NoSuchUser => PasswordError::NotFound,
            NewPasswordError::Store(e) => e.into(),
            NewPasswordError::Hash(e) => PasswordError::Failed(e.into()),
        }
    }
}
