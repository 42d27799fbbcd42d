//! What the account service answers instead of success.

use crate::password::HashError;
use crate::store::StoreError;
use crate::throttle::RetryAfter;

/// What can go wrong with an account operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another account has this name, in some case.
    #[error("that username is taken")]
    UsernameTaken,
    /// The new username is exactly the current one.
    #[error("that is already the username")]
    UsernameUnchanged,
    /// Unknown user or wrong password: deliberately one answer for both.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// The new password is too easy to guess; the text says why.
    #[error("weak password")]
    WeakPassword(String),
    /// Too many wrong passwords for this account lately; try again later.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// The actor may not touch this resource.
    #[error("not allowed")]
    Forbidden,
    /// No such user.
    #[error("no such user")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Why a new password was not hashed for an account.
#[derive(Debug, thiserror::Error)]
pub enum NewPasswordError {
    /// It is too easy to guess; the text says why.
    #[error("weak password")]
    Weak(String),
    /// The account is gone.
    #[error("no such user")]
    NoSuchUser,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl From<NewPasswordError> for Error {
    fn from(e: NewPasswordError) -> Self {
        match e {
            NewPasswordError::Weak(why) => Error::WeakPassword(why),
            NewPasswordError::NoSuchUser => Error::NotFound,
            NewPasswordError::Store(e) => Error::Store(e),
            NewPasswordError::Hash(e) => Error::Hash(e),
        }
    }
}
