use crate::password::HashError;
use crate::sessions::SessionError;
use crate::store::StoreError;
use crate::throttle::RetryAfter;

context!(
    /// Signing in and out: the password, a mailed link, a passkey, the
    /// second step, "Remember me".
    SigningIn,
    sign_in
);

/// What the sign-in context can answer instead of success: each variant
/// but the last three is something a form can show.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Log-in: unknown user or wrong password, deliberately one answer.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Too many wrong passwords for this account lately; try again later.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// A link from a mail is unknown, used, expired, or no longer matches
    /// the account's address.
    #[error("that link is not valid")]
    LinkInvalid,
    /// No sign-in waits for a second factor on this browser (or it waited
    /// too long).
    #[error("no sign-in is waiting for a code")]
    SignInExpired,
    /// The second-factor code is wrong, or was used already.
    #[error("that code is not right")]
    WrongCode,
    /// This server keeps no authenticator secrets (no `LATCHKEY_SECRET_KEY`).
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// This server offers no passkeys; the text says why.
    #[error("passkeys are not available here")]
    PasskeysUnavailable(String),
    /// The browser's passkey answer did not prove anything: unknown or
    /// removed passkey, wrong site, challenge already answered, bad
    /// signature.
    #[error("that passkey was not accepted")]
    PasskeyRefused,
    /// No passkey ceremony waits on this browser (or it waited too long).
    #[error("the passkey request expired")]
    PasskeyExpired,
    /// The account has no passkey to use.
    #[error("the account has no passkey")]
    NoPasskey,
    /// The account is locked by an admin; the text is their reason.
    #[error("the account is locked")]
    AccountLocked(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The session failed.
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl SignInError {
    /// Whether the failure is a passing database outage (answer 503 and let
    /// the client retry) rather than a bug.
    pub fn is_unavailable(&self) -> bool {
        match self {
            SignInError::Store(e) => e.is_unavailable(),
            SignInError::Session(e) => super::failure::session_unavailable(e),
            _ => false,
        }
    }
}

impl From<super::Failure> for SignInError {
    fn from(e: super::Failure) -> Self {
        match e {
            super::Failure::Store(e) => SignInError::Store(e),
            super::Failure::Session(e) => SignInError::Session(e),
            super::Failure::Hash(e) => SignInError::Hash(e),
        }
    }
}

impl From<tower_sessions::session::Error> for SignInError {
    fn from(e: tower_sessions::session::Error) -> Self {
        SignInError::Session(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::{session, session_store};

    #[test]
    fn a_failing_session_store_is_an_outage_and_unreadable_session_data_a_bug() {
        let backend = session_store::Error::Backend("database error: pool timed out".into());
        assert!(SignInError::from(session::Error::Store(backend)).is_unavailable());
        let garbled = serde_json::from_str::<i64>("{").unwrap_err();
        assert!(!SignInError::from(session::Error::SerdeJson(garbled)).is_unavailable());
        assert!(SignInError::from(StoreError::ReadOnly).is_unavailable());
        assert!(!SignInError::InvalidCredentials.is_unavailable());
    }
}
