//! [`Answer`] for each context's error: the one status (and field, and
//! wait) it is answered with, written here so the core's error enums stay
//! free of HTTP. Latchkey's own server functions answer with the same
//! statuses (the app's `ApiError` is checked against these).

use http::StatusCode;

use super::refusal::Answer;
use super::UNAVAILABLE_RETRY_SECONDS;
use crate::auth::{
    AccountError, AdminError, DeviceError, EmailError, FactorError, Failure, PasswordError,
    SignInError, SudoError,
};
use crate::domain::Field;

/// The status an answer of the core is given: 4xx for what a form can
/// show, 503 for a passing database outage, 500 for the rest.
pub fn status_of(error: &SignInError) -> StatusCode {
    use SignInError as E;
    match error {
        E::WrongCode => StatusCode::UNPROCESSABLE_ENTITY,
        E::InvalidCredentials | E::SignInExpired => StatusCode::UNAUTHORIZED,
        E::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        E::FactorsUnavailable
        | E::PasskeysUnavailable(_)
        | E::PasskeyRefused
        | E::AccountLocked(_) => StatusCode::FORBIDDEN,
        E::LinkInvalid => StatusCode::NOT_FOUND,
        E::PasskeyExpired | E::NoPasskey => StatusCode::BAD_REQUEST,
        E::Store(_) | E::Hash(_) | E::Session(_) if error.is_unavailable() => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        E::Store(_) | E::Hash(_) | E::Session(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `Retry-After` for a 503.
pub(super) fn wait_if_unavailable(status: StatusCode) -> Option<u64> {
    (status == StatusCode::SERVICE_UNAVAILABLE).then_some(UNAVAILABLE_RETRY_SECONDS)
}

/// The status of a failure beneath a use case: 503 while it passes.
fn failure_status(failure: &Failure) -> StatusCode {
    match failure.is_unavailable() {
        true => StatusCode::SERVICE_UNAVAILABLE,
        false => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl Answer for SignInError {
    fn status(&self) -> StatusCode {
        status_of(self)
    }

    fn field(&self) -> Option<Field> {
        matches!(self, SignInError::WrongCode).then_some(Field::Code)
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            SignInError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for AdminError {
    fn status(&self) -> StatusCode {
        use AdminError as E;
        match self {
            E::NotAdmin | E::SecondFactorNeeded | E::ConfirmPassword | E::EmailNotVerified => {
                StatusCode::FORBIDDEN
            }
            E::NotFound => StatusCode::NOT_FOUND,
            E::LastAdmin | E::NotYourself | E::AlreadyDone | E::LastSignInMethod | E::NoEmail => {
                StatusCode::BAD_REQUEST
            }
            E::Failed(failure) => failure_status(failure),
        }
    }
}

impl Answer for EmailError {
    fn status(&self) -> StatusCode {
        match self {
            EmailError::LinkInvalid => StatusCode::NOT_FOUND,
            EmailError::NoEmail | EmailError::AlreadyVerified => StatusCode::BAD_REQUEST,
            EmailError::Unchanged => StatusCode::UNPROCESSABLE_ENTITY,
            EmailError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            EmailError::ConfirmPassword => StatusCode::FORBIDDEN,
            EmailError::Failed(failure) => failure_status(failure),
        }
    }

    fn field(&self) -> Option<Field> {
        matches!(self, EmailError::Unchanged).then_some(Field::Email)
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            EmailError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for DeviceError {
    fn status(&self) -> StatusCode {
        match self {
            DeviceError::ThisDevice => StatusCode::BAD_REQUEST,
            DeviceError::NotYourDevice | DeviceError::ConfirmPassword => StatusCode::FORBIDDEN,
            DeviceError::Failed(failure) => failure_status(failure),
        }
    }
}

impl Answer for AccountError {
    fn status(&self) -> StatusCode {
        use AccountError as E;
        match self {
            E::UsernameTaken
            | E::UsernameUnchanged
            | E::WeakPassword(_)
            | E::NotYourUsername(_)
            | E::WrongPassword
            | E::PasswordNeeded
            | E::CodeNeeded
            | E::WrongCode => StatusCode::UNPROCESSABLE_ENTITY,
            E::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            E::Forbidden | E::EmailNotVerified | E::FactorsUnavailable | E::ConfirmPassword => {
                StatusCode::FORBIDDEN
            }
            E::NotFound => StatusCode::NOT_FOUND,
            E::LastAdmin => StatusCode::BAD_REQUEST,
            E::Failed(failure) => failure_status(failure),
        }
    }

    fn field(&self) -> Option<Field> {
        use AccountError as E;
        match self {
            E::UsernameTaken | E::UsernameUnchanged | E::NotYourUsername(_) => {
                Some(Field::Username)
            }
            E::WrongPassword | E::WeakPassword(_) | E::PasswordNeeded => Some(Field::Password),
            E::WrongCode | E::CodeNeeded => Some(Field::Code),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            AccountError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for PasswordError {
    fn status(&self) -> StatusCode {
        use PasswordError as E;
        match self {
            E::WrongPassword
            | E::PasswordNeeded
            | E::CodeNeeded
            | E::WrongCode
            | E::WeakPassword(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            E::FactorsUnavailable | E::ConfirmPassword => StatusCode::FORBIDDEN,
            E::LinkInvalid | E::NotFound => StatusCode::NOT_FOUND,
            E::Failed(failure) => failure_status(failure),
        }
    }

    fn field(&self) -> Option<Field> {
        use PasswordError as E;
        match self {
            E::WrongPassword | E::PasswordNeeded | E::WeakPassword(_) => Some(Field::Password),
            E::WrongCode | E::CodeNeeded => Some(Field::Code),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            PasswordError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for SudoError {
    fn status(&self) -> StatusCode {
        use SudoError as E;
        match self {
            E::WrongPassword | E::PasswordNeeded | E::CodeNeeded | E::WrongCode => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            E::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            E::FactorsUnavailable
            | E::PasskeysUnavailable(_)
            | E::PasskeyRefused
            | E::ConfirmPassword => StatusCode::FORBIDDEN,
            E::PasskeyExpired | E::NoPasskey => StatusCode::BAD_REQUEST,
            E::Failed(failure) => failure_status(failure),
        }
    }

    fn field(&self) -> Option<Field> {
        use SudoError as E;
        match self {
            E::WrongPassword | E::PasswordNeeded => Some(Field::Password),
            E::WrongCode | E::CodeNeeded => Some(Field::Code),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            SudoError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for FactorError {
    fn status(&self) -> StatusCode {
        use FactorError as E;
        match self {
            E::WrongCode => StatusCode::UNPROCESSABLE_ENTITY,
            E::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            E::FactorsUnavailable
            | E::PasskeysUnavailable(_)
            | E::PasskeyRefused
            | E::NotYourPasskey
            | E::ConfirmPassword => StatusCode::FORBIDDEN,
            E::FactorAlreadyOn
            | E::FactorOff
            | E::PasskeyExpired
            | E::PasskeyExists
            | E::NoPassword
            | E::LastSignInMethod => StatusCode::BAD_REQUEST,
            E::Failed(failure) => failure_status(failure),
        }
    }

    fn field(&self) -> Option<Field> {
        matches!(self, FactorError::WrongCode).then_some(Field::Code)
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            FactorError::Throttled(wait) => Some(wait.0),
            _ => wait_if_unavailable(self.status()),
        }
    }
}

impl Answer for Failure {
    fn status(&self) -> StatusCode {
        failure_status(self)
    }
}
