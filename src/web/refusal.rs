//! From the core's answers to HTTP: [`Answer`], the one status (and field,
//! and wait) each context's error is answered with, written here so the
//! core's error enums stay free of HTTP; and [`Refusal`], what a host's
//! handler returns instead of success. Latchkey's own server functions
//! answer with the same statuses (the app's `ApiError` is checked against
//! [`status_of`]).

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use super::UNAVAILABLE_RETRY_SECONDS;
use crate::auth::{
    AccountError, AdminError, AuthError, DeviceError, EmailError, FactorError, Failure,
    PasswordError, SudoError,
};
use crate::domain::{Field, FieldError};

/// The status an answer of the core is given: 4xx for what a form can
/// show, 503 for a passing database outage, 500 for the rest.
pub fn status_of(error: &AuthError) -> StatusCode {
    use AuthError as E;
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

/// What a host's handler answers instead of success. Its response is JSON,
/// `{"error": "…"}` (with `"field"` for a field's error), with the status
/// [`status_of`] gives and `Retry-After` where waiting helps. Internal
/// failures are logged and never described to the client.
#[derive(Debug)]
pub enum Refusal {
    /// A use case refused, or failed.
    Refused(Box<dyn Answer>),
    /// A field of the request cannot be accepted.
    Invalid(FieldError),
    /// The handler needs a signed-in user, and there is none.
    NotSignedIn,
    /// A state-changing request from another site (the kit's check).
    CrossSite,
    /// The handler runs outside [`super::Kit::around`]: a bug of the host,
    /// logged, answered 500.
    NotSetUp,
}

impl<E: Answer> From<E> for Refusal {
    fn from(error: E) -> Self {
        Self::Refused(Box::new(error))
    }
}

/// How the kit answers one context's error.
pub trait Answer: std::error::Error + Send + Sync + 'static {
    /// The HTTP status.
    fn status(&self) -> StatusCode;
    /// The form field it belongs to, if it is one field's.
    fn field(&self) -> Option<Field> {
        None
    }
    /// Seconds to wait before trying again, where waiting helps: by
    /// default, while the database is briefly away (503).
    fn retry_after(&self) -> Option<u64> {
        wait_if_unavailable(self.status())
    }
}

/// `Retry-After` for a 503.
fn wait_if_unavailable(status: StatusCode) -> Option<u64> {
    (status == StatusCode::SERVICE_UNAVAILABLE).then_some(UNAVAILABLE_RETRY_SECONDS)
}

/// The status of a failure beneath a use case: 503 while it passes.
fn failure_status(failure: &Failure) -> StatusCode {
    match failure.is_unavailable() {
        true => StatusCode::SERVICE_UNAVAILABLE,
        false => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl Answer for AuthError {
    fn status(&self) -> StatusCode {
        status_of(self)
    }

    fn field(&self) -> Option<Field> {
        matches!(self, AuthError::WrongCode).then_some(Field::Code)
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            AuthError::Throttled(wait) => Some(wait.0),
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

impl From<FieldError> for Refusal {
    fn from(error: FieldError) -> Self {
        Self::Invalid(error)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
}

impl Refusal {
    /// The status it is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Refused(error) => error.status(),
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotSignedIn => StatusCode::UNAUTHORIZED,
            Self::CrossSite => StatusCode::FORBIDDEN,
            Self::NotSetUp => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The form field the refusal belongs to, if it is one field's.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Invalid(error) => Some(error.field),
            Self::Refused(error) => error.field(),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, where waiting helps.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Refused(error) => error.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            Self::Refused(error) if status.is_server_error() => {
                tracing::error!(error = %error, "a use case failed");
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    "the service is briefly unavailable, try again in a moment".to_string()
                } else {
                    "something went wrong on our side".to_string()
                }
            }
            Self::Refused(error) => error.to_string(),
            Self::Invalid(error) => error.message.clone(),
            Self::NotSignedIn => "please log in to continue".to_string(),
            Self::CrossSite => "this request came from another site, so it was refused".into(),
            Self::NotSetUp => "something went wrong on our side".to_string(),
        };
        let field = self.field().map(Field::name);
        let retry_after = self.retry_after();
        let body = Body {
            error: &message,
            field,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;
    use crate::throttle::RetryAfter;

    #[test]
    fn what_a_form_can_show_is_a_4xx_and_outages_ask_for_a_retry() {
        assert_eq!(
            status_of(&AuthError::InvalidCredentials),
            StatusCode::UNAUTHORIZED
        );
        let throttled = Refusal::from(AuthError::Throttled(RetryAfter(42)));
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(throttled.retry_after(), Some(42));
        let down = Refusal::from(AuthError::Store(StoreError::ReadOnly));
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
        let response = down.into_response();
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from(UNAVAILABLE_RETRY_SECONDS))
        );
        let field = Refusal::from(FieldError::new(Field::Username, "too short"));
        assert_eq!(field.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field.retry_after(), None);
        let weak = Refusal::from(crate::auth::PasswordError::WeakPassword(
            "too common".into(),
        ));
        assert_eq!(weak.field(), Some(Field::Password));
    }
}
