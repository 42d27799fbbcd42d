//! [`CheckError`]: what the checks several contexts share can refuse (a
//! code, a passkey ceremony, the sudo proof's owner, the throttle), so that
//! each context's error takes them variant for variant, losing nothing.

use super::{AuthError, Failure};
use crate::password::HashError;
use crate::throttle::RetryAfter;

/// What a shared check refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum CheckError {
    /// Too many wrong answers for this account lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// The second-factor code is wrong, or was used already.
    #[error("that code is not right")]
    WrongCode,
    /// This server keeps no authenticator secrets.
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// This server offers no passkeys; the text says why.
    #[error("passkeys are not available here")]
    PasskeysUnavailable(String),
    /// No passkey ceremony waits on this browser (or it waited too long).
    #[error("the passkey request expired")]
    PasskeyExpired,
    /// The proof of sudo mode is another user's.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the check.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(CheckError);

impl From<HashError> for CheckError {
    fn from(e: HashError) -> Self {
        CheckError::Failed(e.into())
    }
}

impl From<CheckError> for AuthError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Throttled(wait) => AuthError::Throttled(wait),
            CheckError::WrongCode => AuthError::WrongCode,
            CheckError::FactorsUnavailable => AuthError::FactorsUnavailable,
            CheckError::PasskeysUnavailable(why) => AuthError::PasskeysUnavailable(why),
            CheckError::PasskeyExpired => AuthError::PasskeyExpired,
            CheckError::ConfirmPassword => AuthError::ConfirmPassword,
            CheckError::Failed(failure) => failure.into(),
        }
    }
}
