//! The checks several contexts share, each with the narrow error it can
//! answer, which every context's error takes variant for variant (so no
//! `From` drops a refusal into the wrong bucket):
//! - [`CodeError`]: a second factor's code (throttled per account);
//! - [`ReauthError`]: the factors a sign-in takes, asked again before a
//!   sensitive change (the password, and a code with a second factor);
//! - [`CheckError`]: a passkey ceremony;
//! - [`ProofError`]: who is there, proven with a passkey.

use super::{Failure, SignInError};
use crate::password::HashError;
use crate::throttle::RetryAfter;

/// What checking a second factor's code refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum CodeError {
    /// Too many wrong codes for this account lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// The code is wrong, or was used already.
    #[error("that code is not right")]
    WrongCode,
    /// This server keeps no authenticator secrets.
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// Beneath the check.
    #[error(transparent)]
    Failed(#[from] Failure),
}

/// What asking again for a sign-in's factors refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReauthError {
    /// The password given is not the account's.
    #[error("that is not the password")]
    WrongPassword,
    /// The account has a password, and none was given.
    #[error("enter your password")]
    PasswordNeeded,
    /// The account has a second factor, and no code was given.
    #[error("enter the code from your authenticator app")]
    CodeNeeded,
    /// An account without a password needs sudo mode instead.
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// The code was refused.
    #[error(transparent)]
    Code(#[from] CodeError),
}

/// What a passkey ceremony refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum CheckError {
    /// This server offers no passkeys; the text says why.
    #[error("passkeys are not available here")]
    PasskeysUnavailable(String),
    /// No passkey ceremony waits on this browser (or it waited too long).
    #[error("the passkey request expired")]
    PasskeyExpired,
    /// Beneath the check.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(CodeError);
super::failure::fails_with_failure!(CheckError);

impl From<crate::store::StoreError> for ReauthError {
    fn from(e: crate::store::StoreError) -> Self {
        ReauthError::Code(e.into())
    }
}

impl From<HashError> for ReauthError {
    fn from(e: HashError) -> Self {
        ReauthError::Code(CodeError::Failed(e.into()))
    }
}

/// A context error that has every variant the shared checks answer: one
/// exhaustive mapping per check, written once here.
macro_rules! takes_checks {
    ($error:ident { $($extra:tt)* }) => {
        impl From<$crate::auth::check::CodeError> for $error {
            fn from(e: $crate::auth::check::CodeError) -> Self {
                use $crate::auth::check::CodeError as C;
                match e {
                    C::Throttled(wait) => $error::Throttled(wait),
                    C::WrongCode => $error::WrongCode,
                    C::FactorsUnavailable => $error::FactorsUnavailable,
                    C::Failed(failure) => failure.into(),
                }
            }
        }
        $crate::auth::check::takes_checks!(@more $error { $($extra)* });
    };
    (@more $error:ident { reauth $($rest:tt)* }) => {
        impl From<$crate::auth::check::ReauthError> for $error {
            fn from(e: $crate::auth::check::ReauthError) -> Self {
                use $crate::auth::check::ReauthError as R;
                match e {
                    R::WrongPassword => $error::WrongPassword,
                    R::PasswordNeeded => $error::PasswordNeeded,
                    R::CodeNeeded => $error::CodeNeeded,
                    R::ConfirmPassword => $error::ConfirmPassword,
                    R::Code(e) => e.into(),
                }
            }
        }
        $crate::auth::check::takes_checks!(@more $error { $($rest)* });
    };
    (@more $error:ident { ceremony $($rest:tt)* }) => {
        impl From<$crate::auth::check::CheckError> for $error {
            fn from(e: $crate::auth::check::CheckError) -> Self {
                use $crate::auth::check::CheckError as C;
                match e {
                    C::PasskeysUnavailable(why) => $error::PasskeysUnavailable(why),
                    C::PasskeyExpired => $error::PasskeyExpired,
                    C::Failed(failure) => failure.into(),
                }
            }
        }
        $crate::auth::check::takes_checks!(@more $error { $($rest)* });
    };
    (@more $error:ident { proof $($rest:tt)* }) => {
        impl From<$crate::auth::check::ProofError> for $error {
            fn from(e: $crate::auth::check::ProofError) -> Self {
                use $crate::auth::check::ProofError as P;
                match e {
                    P::NoPasskey => $error::NoPasskey,
                    P::PasskeyRefused => $error::PasskeyRefused,
                    P::Ceremony(e) => e.into(),
                }
            }
        }
        $crate::auth::check::takes_checks!(@more $error { $($rest)* });
    };
    (@more $error:ident { }) => {};
}
pub(super) use takes_checks;

takes_checks!(SignInError { ceremony proof });

/// What proving who is there with a passkey refused.
#[derive(Debug, thiserror::Error)]
pub(super) enum ProofError {
    /// The account has no passkey to use.
    #[error("the account has no passkey")]
    NoPasskey,
    /// The browser's passkey answer did not prove anything.
    #[error("that passkey was not accepted")]
    PasskeyRefused,
    /// The ceremony itself was refused.
    #[error(transparent)]
    Ceremony(#[from] CheckError),
}

impl From<crate::store::StoreError> for ProofError {
    fn from(e: crate::store::StoreError) -> Self {
        ProofError::Ceremony(e.into())
    }
}

impl From<tower_sessions::session::Error> for ProofError {
    fn from(e: tower_sessions::session::Error) -> Self {
        ProofError::Ceremony(e.into())
    }
}
