//! [`AdminError`]: what the admin context answers instead of success.

use super::Failure;

/// What the admin context (the console and `server admin …`) can answer
/// instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The actor is not an admin.
    #[error("administrators only")]
    NotAdmin,
    /// The rule (`LATCHKEY_REQUIRE_SECOND_FACTOR`) asks admins for a second
    /// factor, and this one has none yet.
    #[error("set up a second factor first")]
    SecondFactorNeeded,
    /// The change needs the password given lately (sudo mode).
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// No such user.
    #[error("no such user")]
    NotFound,
    /// That would leave no admin who can act.
    #[error("that is the last administrator")]
    LastAdmin,
    /// An admin may not lock, demote or delete their own account.
    #[error("not on your own account")]
    NotYourself,
    /// Nothing to do: it is already so.
    #[error("it is already so")]
    AlreadyDone,
    /// Removing the factors would leave the account no way to sign in.
    #[error("that is the account's last way to sign in")]
    LastSignInMethod,
    /// The account has no email address to mail.
    #[error("the account has no email address")]
    NoEmail,
    /// The account's address is not confirmed.
    #[error("the address is not confirmed")]
    EmailNotVerified,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(AdminError);
