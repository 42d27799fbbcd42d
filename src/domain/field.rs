use serde::{Deserialize, Serialize};

/// A form field that a validation message can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Username,
    Email,
    Password,
    CurrentPassword,
    NewPassword,
    DisplayName,
    Bio,
    Location,
    Code,
    PasskeyName,
    Reason,
}

impl Field {
    /// The field's form name, as the HTML forms use it.
    pub fn name(self) -> &'static str {
        match self {
            Field::Username => "username",
            Field::Email => "email",
            Field::Password => "password",
            Field::CurrentPassword => "current_password",
            Field::NewPassword => "new_password",
            Field::DisplayName => "display_name",
            Field::Bio => "bio",
            Field::Location => "location",
            Field::Code => "code",
            Field::PasskeyName => "name",
            Field::Reason => "reason",
        }
    }
}

/// A validation message for one field, fit to show next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// The field the message concerns.
    pub field: Field,
    /// What is wrong, in words a user understands.
    pub message: String,
}

impl FieldError {
    /// A message about `field`.
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
