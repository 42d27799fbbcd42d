use http::StatusCode;
use latchkey::domain::{Field, FieldError};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function answers an account that must set up a second
/// factor before it does anything else (or an admin before the console).
pub const SECOND_FACTOR_FIRST: &str = "Set up a second factor first: this site asks every \
     account for an authenticator app or a passkey (Settings, Security).";

/// The one error every server function returns. Each variant is something a form
/// can show; internal causes are logged on the server and never cross the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// One or more fields are invalid; each message belongs next to its field.
    #[error("Please correct the highlighted fields.")]
    Invalid(Vec<FieldError>),
    /// Unknown user or wrong password: one answer for both.
    #[error("Invalid username or password")]
    InvalidCredentials,
    /// The action needs a signed-in user.
    #[error("Please log in to continue.")]
    NotLoggedIn,
    /// A sensitive action needs the password given within the last ten
    /// minutes ("sudo mode"); the page asks for it and comes back.
    #[error("Please confirm your password to continue.")]
    ConfirmPassword,
    /// The signed-in user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts lately; the number is the seconds to wait. Answered
    /// with 429 and `Retry-After`.
    #[error("Too many attempts, try again in {}.", crate::components::plural(*.0, "second"))]
    TooManyAttempts(u64),
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request was malformed (missing or undecodable fields).
    #[error("{0}")]
    BadRequest(String),
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// The database is unreachable, busy or read-only for now; retrying soon
    /// will work. Answered with 503 and `Retry-After`.
    #[error("The service is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    /// Something failed on our side; the cause is in the server's log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl ApiError {
    /// A single field's validation message.
    pub fn field(field: Field, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// Whether this is the refusal of an account that owes a second factor.
    pub fn is_second_factor_first(&self) -> bool {
        matches!(self, Self::Forbidden(message) if message == SECOND_FACTOR_FIRST)
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidCredentials | Self::NotLoggedIn => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::ConfirmPassword => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Network => StatusCode::BAD_GATEWAY,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for `field`, if this error has one.
    pub fn field_message(&self, field: Field) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The message to show above a form: every error but field errors, which
    /// show next to their fields.
    pub fn form_message(&self) -> Option<String> {
        match self {
            Self::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => Self::Network,
            ServerFnErrorErr::MissingArg(name) => {
                Self::BadRequest(format!("The form is missing the field '{name}'."))
            }
            // The decoder's message can quote the input, so only a missing field's
            // name (ours, not the user's) is passed on.
            ServerFnErrorErr::Args(message) => match missing_field(&message) {
                Some(name) => Self::BadRequest(format!("The form is missing the field '{name}'.")),
                None => Self::BadRequest(
                    "The form could not be read. Please reload the page and try again.".into(),
                ),
            },
            ServerFnErrorErr::Serialization(_) => Self::BadRequest(
                "The form could not be read. Please reload the page and try again.".into(),
            ),
            // On the server this is a request body that is not text (invalid
            // UTF-8): the client's fault. In the browser it is an answer that
            // could not be read.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => Self::BadRequest(
                "The form could not be read. Please reload the page and try again.".into(),
            ),
            ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                Self::BadRequest("This address takes a POST of a form.".into())
            }
            _ => Self::Internal,
        }
    }
}

/// The field name in serde's "missing field `name`" message, if it is one of
/// ours (a plain identifier).
fn missing_field(message: &str) -> Option<&str> {
    let start = message.find("missing field `")? + "missing field `".len();
    let name = &message[start..];
    let name = &name[..name.find('`')?];
    (!name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_status_a_form_can_act_on() {
        assert_eq!(ApiError::field(Field::Username, "x").status(), 422);
        assert_eq!(ApiError::InvalidCredentials.status(), 401);
        assert_eq!(ApiError::NotLoggedIn.status(), 401);
        assert_eq!(ApiError::Forbidden("no".into()).status(), 403);
        assert_eq!(ApiError::Internal.status(), 500);
        assert_eq!(ApiError::TooManyAttempts(5).status(), 429);
        assert_eq!(ApiError::Unavailable.status(), 503);
        assert_eq!(
            ApiError::TooManyAttempts(5).to_string(),
            "Too many attempts, try again in 5 seconds."
        );
        assert_eq!(
            ApiError::TooManyAttempts(1).to_string(),
            "Too many attempts, try again in 1 second."
        );
    }

    #[test]
    fn field_errors_show_by_their_fields_and_the_rest_above_the_form() {
        let err = ApiError::Invalid(vec![
            FieldError::new(Field::Username, "taken"),
            FieldError::new(Field::Password, "short"),
        ]);
        assert_eq!(err.field_message(Field::Password).as_deref(), Some("short"));
        assert_eq!(err.field_message(Field::Bio), None);
        assert_eq!(err.form_message(), None);
        assert_eq!(
            ApiError::InvalidCredentials.form_message().as_deref(),
            Some("Invalid username or password")
        );
    }

    #[test]
    fn framework_argument_errors_never_echo_the_input() {
        let err = ApiError::from_server_fn_error(ServerFnErrorErr::Args("secret-value".into()));
        assert_eq!(err.status(), 400);
        assert!(!err.to_string().contains("secret-value"));
    }

    #[test]
    fn a_missing_field_is_named_but_nothing_else_is_echoed() {
        let err = ApiError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `password`".into(),
        ));
        assert_eq!(
            err,
            ApiError::BadRequest("The form is missing the field 'password'.".into())
        );
        let err =
            ApiError::from_server_fn_error(ServerFnErrorErr::Args("missing field `<b>x`".into()));
        assert!(!err.to_string().contains("<b>"));
    }
}
