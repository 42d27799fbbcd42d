//! [`Refusal`], what a host's handler returns instead of success, and
//! [`Answer`], how each context's error says its status (and field, and
//! wait): the impls are in `answers.rs`.

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use super::answers::wait_if_unavailable;
use crate::domain::{Field, FieldError};

/// What a host's handler answers instead of success. Its response is JSON,
/// `{"error": "…"}` (with `"field"` for a field's error), with the status
/// its [`Answer`] gives and `Retry-After` where waiting helps. Internal
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
    use crate::auth::SignInError;
    use crate::store::StoreError;
    use crate::throttle::RetryAfter;
    use crate::web::{status_of, UNAVAILABLE_RETRY_SECONDS};

    #[test]
    fn what_a_form_can_show_is_a_4xx_and_outages_ask_for_a_retry() {
        assert_eq!(
            status_of(&SignInError::InvalidCredentials),
            StatusCode::UNAUTHORIZED
        );
        let throttled = Refusal::from(SignInError::Throttled(RetryAfter(42)));
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(throttled.retry_after(), Some(42));
        let down = Refusal::from(SignInError::Store(StoreError::ReadOnly));
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
