//! The one mapping from the core's answers (each context's error, the
//! throttles' waits) to what the client is told; the status and
//! `Retry-After` follow from the variant (`server::finish`).

use std::error::Error;

use latchkey::auth::{
    AccountError, AdminError, DeviceError, EmailError, FactorError, PasswordError, SignInError,
    SudoError,
};
use latchkey::domain::Field;
use latchkey::sessions::SessionError;
use latchkey::throttle::{Limited, RetryAfter};

use super::ApiError;

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        match limited {
            Limited::Wait(wait) => wait.into(),
            Limited::Store(e) => latchkey::auth::SignInError::from(e).into(),
        }
    }
}

impl From<RetryAfter> for ApiError {
    fn from(wait: RetryAfter) -> Self {
        metrics::counter!("latchkey_throttled_total").increment(1);
        ApiError::TooManyAttempts(wait.0)
    }
}

/// Logs an internal failure with its cause chain; the user sees only "internal".
pub fn internal(what: &str, error: &dyn Error) -> ApiError {
    metrics::counter!("latchkey_internal_errors_total").increment(1);
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "{what}");
    ApiError::Internal
}

/// What fails beneath every context, answered as a sign-in's failure is.
impl From<latchkey::auth::Failure> for ApiError {
    fn from(failure: latchkey::auth::Failure) -> Self {
        SignInError::from(failure).into()
    }
}

/// The words of the refusals several contexts share (a re-authentication's).
fn wrong_password() -> ApiError {
    ApiError::field(Field::Password, "That is not your password.")
}

fn password_needed() -> ApiError {
    ApiError::field(Field::Password, "Enter your password.")
}

fn code_needed() -> ApiError {
    ApiError::field(Field::Code, "Enter the code from your authenticator app.")
}

fn no_such_user() -> ApiError {
    ApiError::NotFound("There is no such user.".into())
}

/// The one mapping from the core's answers to what the client is told;
/// the status and `Retry-After` follow from the variant ([`finish`]).
impl From<SignInError> for ApiError {
    fn from(e: SignInError) -> Self {
        match e {
            SignInError::InvalidCredentials => ApiError::InvalidCredentials,
            SignInError::Throttled(wait) => wait.into(),
            SignInError::LinkInvalid => ApiError::NotFound(
                "That link does not work: it was used already, it expired, or the address \
                 changed since. Ask for a new one."
                    .into(),
            ),
            SignInError::SignInExpired => ApiError::NotLoggedIn,
            SignInError::WrongCode => ApiError::field(
                Field::Code,
                "That code is not right. Authenticator codes change every 30 seconds, and each \
                 code works once.",
            ),
            SignInError::FactorsUnavailable => {
                ApiError::Forbidden("Authenticator apps are not set up on this server.".into())
            }
            SignInError::PasskeysUnavailable(why) => {
                tracing::warn!(%why, "a passkey was asked for, and passkeys are off");
                ApiError::Forbidden("Passkeys are not available on this server.".into())
            }
            SignInError::PasskeyRefused => ApiError::Forbidden(
                "That passkey was not accepted. It may have been removed from your account, or \
                 belong to another site."
                    .into(),
            ),
            SignInError::PasskeyExpired => ApiError::BadRequest(
                "The passkey request expired or was replaced. Please try again.".into(),
            ),
            SignInError::NoPasskey => {
                ApiError::BadRequest("Your account has no passkey: use a code instead.".into())
            }
            SignInError::AccountLocked(why) => ApiError::Forbidden(format!(
                "This account is locked by the site's administrators: {why}"
            )),
            _ if e.is_unavailable() => unavailable(&e),
            _ => internal("a use case failed", &e),
        }
    }
}

/// The account context's answers; the re-authentication it shares with a
/// password change (a wrong password, a code) is told the same way.
impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        use AccountError as E;
        match e {
            E::UsernameTaken => ApiError::field(Field::Username, "That username is taken."),
            E::UsernameUnchanged => {
                ApiError::field(Field::Username, "That is already your username.")
            }
            E::WeakPassword(message) => ApiError::field(Field::Password, message),
            E::NotYourUsername(own) => ApiError::field(
                Field::Username,
                format!("Type your username, {own}, to confirm."),
            ),
            E::Forbidden => ApiError::Forbidden("You are not allowed to do that.".into()),
            E::NotFound => no_such_user(),
            E::EmailNotVerified => ApiError::Forbidden(
                "Confirm your email address first: follow the link we mailed you.".into(),
            ),
            E::LastAdmin => ApiError::BadRequest(
                "That is the last administrator: make another one first.".into(),
            ),
            E::WrongPassword => wrong_password(),
            E::PasswordNeeded => password_needed(),
            E::CodeNeeded => code_needed(),
            E::WrongCode => SignInError::WrongCode.into(),
            E::Throttled(wait) => wait.into(),
            E::FactorsUnavailable => SignInError::FactorsUnavailable.into(),
            E::ConfirmPassword => ApiError::ConfirmPassword,
            E::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The passwords context's answers, told as a sign-in's same refusals are.
impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        use PasswordError as E;
        match e {
            E::WrongPassword => wrong_password(),
            E::PasswordNeeded => password_needed(),
            E::CodeNeeded => code_needed(),
            E::WrongCode => SignInError::WrongCode.into(),
            E::Throttled(wait) => wait.into(),
            E::FactorsUnavailable => SignInError::FactorsUnavailable.into(),
            E::ConfirmPassword => ApiError::ConfirmPassword,
            E::WeakPassword(message) => ApiError::field(Field::Password, message),
            E::LinkInvalid => SignInError::LinkInvalid.into(),
            E::NotFound => no_such_user(),
            E::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The sudo-mode context's answers, told as a sign-in's same refusals are.
impl From<SudoError> for ApiError {
    fn from(e: SudoError) -> Self {
        use SudoError as E;
        match e {
            E::WrongPassword => wrong_password(),
            E::PasswordNeeded => password_needed(),
            E::CodeNeeded => code_needed(),
            E::WrongCode => SignInError::WrongCode.into(),
            E::Throttled(wait) => wait.into(),
            E::FactorsUnavailable => SignInError::FactorsUnavailable.into(),
            E::PasskeysUnavailable(why) => SignInError::PasskeysUnavailable(why).into(),
            E::PasskeyRefused => SignInError::PasskeyRefused.into(),
            E::PasskeyExpired => SignInError::PasskeyExpired.into(),
            E::NoPasskey => SignInError::NoPasskey.into(),
            E::ConfirmPassword => ApiError::ConfirmPassword,
            E::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The factors context's answers; the refusals it shares with a sign-in
/// (a wrong code, passkeys off) are told the same way.
impl From<FactorError> for ApiError {
    fn from(e: FactorError) -> Self {
        match e {
            FactorError::FactorsUnavailable => SignInError::FactorsUnavailable.into(),
            FactorError::FactorAlreadyOn => {
                ApiError::BadRequest("Your authenticator app is already on.".into())
            }
            FactorError::FactorOff => ApiError::BadRequest("No authenticator app is on.".into()),
            FactorError::WrongCode => SignInError::WrongCode.into(),
            FactorError::Throttled(wait) => wait.into(),
            FactorError::PasskeysUnavailable(why) => SignInError::PasskeysUnavailable(why).into(),
            FactorError::PasskeyRefused => SignInError::PasskeyRefused.into(),
            FactorError::PasskeyExpired => SignInError::PasskeyExpired.into(),
            FactorError::PasskeyExists => {
                ApiError::BadRequest("That passkey is already registered.".into())
            }
            FactorError::NotYourPasskey => {
                ApiError::Forbidden("That passkey is not one of yours.".into())
            }
            FactorError::NoPassword => {
                ApiError::BadRequest("Your account has no password to remove.".into())
            }
            FactorError::LastSignInMethod => ApiError::BadRequest(
                "That is your account's last way to sign in: add a password or another passkey \
                 first."
                    .into(),
            ),
            FactorError::ConfirmPassword => ApiError::ConfirmPassword,
            FactorError::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The devices context's answers.
impl From<DeviceError> for ApiError {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::ThisDevice => {
                ApiError::BadRequest("To sign out this device, use Log out.".into())
            }
            DeviceError::NotYourDevice => {
                ApiError::Forbidden("That device is not one of yours.".into())
            }
            DeviceError::ConfirmPassword => ApiError::ConfirmPassword,
            DeviceError::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The email context's answers.
impl From<EmailError> for ApiError {
    fn from(e: EmailError) -> Self {
        match e {
            EmailError::LinkInvalid => SignInError::LinkInvalid.into(),
            EmailError::NoEmail => {
                ApiError::BadRequest("Your account has no email address.".into())
            }
            EmailError::AlreadyVerified => {
                ApiError::BadRequest("Your email address is already confirmed.".into())
            }
            EmailError::Unchanged => ApiError::field(Field::Email, "That is already your address."),
            EmailError::Throttled(wait) => wait.into(),
            EmailError::ConfirmPassword => ApiError::ConfirmPassword,
            EmailError::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

/// The admin context's answers: about the account acted on, not the admin's.
impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::NotAdmin => ApiError::Forbidden("Administrators only.".into()),
            AdminError::SecondFactorNeeded => {
                ApiError::Forbidden(super::error::SECOND_FACTOR_FIRST.into())
            }
            AdminError::ConfirmPassword => ApiError::ConfirmPassword,
            AdminError::NotFound => ApiError::NotFound("There is no such user.".into()),
            AdminError::LastAdmin => ApiError::BadRequest(
                "That is the last administrator: make another one first.".into(),
            ),
            AdminError::NotYourself => {
                ApiError::BadRequest("Not on your own account: ask another administrator.".into())
            }
            AdminError::AlreadyDone => {
                ApiError::BadRequest("Nothing to do: it is already so.".into())
            }
            AdminError::LastSignInMethod => ApiError::BadRequest(
                "That account signs in with its passkeys only: removing them would lock it out."
                    .into(),
            ),
            AdminError::NoEmail => {
                ApiError::BadRequest("That account has no email address.".into())
            }
            AdminError::EmailNotVerified => ApiError::Forbidden(
                "That account's address is not confirmed, so no reset link goes there.".into(),
            ),
            AdminError::Failed(failure) => SignInError::from(failure).into(),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        SignInError::from(e).into()
    }
}

/// Logs a passing database outage; the user is asked to retry.
fn unavailable(error: &dyn Error) -> ApiError {
    metrics::counter!("latchkey_database_errors_total").increment(1);
    tracing::warn!(error = %error, "the database is unavailable");
    ApiError::Unavailable
}
