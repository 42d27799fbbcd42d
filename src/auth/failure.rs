//! [`Failure`]: what fails beneath a use case and is never the user's doing
//! (the database, the session store, the hasher). Every context's error
//! enum carries it as its last variant; it is logged, and a form says only
//! "try again" (503 while it passes).

use crate::password::HashError;
use crate::sessions::SessionError;
use crate::store::StoreError;

/// A failure of what the use cases run on.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The session failed.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl Failure {
    /// Whether it is a passing database outage (answer 503 and let the
    /// client retry) rather than a bug.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Failure::Store(e) => e.is_unavailable(),
            Failure::Session(e) => session_unavailable(e),
            Failure::Hash(_) => false,
        }
    }
}

/// Whether the session failed because its database is briefly away.
pub(super) fn session_unavailable(e: &SessionError) -> bool {
    match e {
        SessionError::Store(e) => e.is_unavailable(),
        // The session crate's store failures reach us only as text; the
        // only thing that fails that store is the database it lives in.
        SessionError::SessionStore(_)
        | SessionError::Session(tower_sessions::session::Error::Store(_)) => true,
        SessionError::Session(_) => false,
    }
}

/// A context's error enum with a `Failed(Failure)` variant takes the
/// database's and the session's errors with `?`.
macro_rules! fails_with_failure {
    ($error:ty) => {
        impl From<$crate::store::StoreError> for $error {
            fn from(e: $crate::store::StoreError) -> Self {
                Self::Failed(e.into())
            }
        }

        impl From<$crate::sessions::SessionError> for $error {
            fn from(e: $crate::sessions::SessionError) -> Self {
                Self::Failed(e.into())
            }
        }

        impl From<tower_sessions::session::Error> for $error {
            fn from(e: tower_sessions::session::Error) -> Self {
                Self::Failed(e.into())
            }
        }
    };
}
pub(super) use fails_with_failure;

impl From<tower_sessions::session::Error> for Failure {
    fn from(e: tower_sessions::session::Error) -> Self {
        Failure::Session(e.into())
    }
}
