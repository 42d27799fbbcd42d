use latchkey::domain::Strength;
use leptos::prelude::*;

use super::ApiError;

/// Changes the signed-in user's password after checking the current one
/// (and, with a second factor, its `code`, unless in sudo mode). Every
/// other device is signed out and this session gets a new id.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    code: Option<String>,
) -> Result<(), ApiError> {
    use super::server::{auth, client_info, finish, flash, require_user, session};
    use latchkey::auth::PasswordError;
    use latchkey::domain::{Field, FieldError, Flash, NewPassword, PasswordAttempt};

    finish(
        async move {
            let session = session()?;
            let me = require_user(&session).await?;
            // Blank for an account without a password (passkeys only),
            // which sets one in sudo mode instead.
            let current = match current_password.is_empty() {
                true => Ok(None),
                false => PasswordAttempt::parse(&current_password).map(Some).map_err(|_| {
                    ApiError::field(Field::CurrentPassword, "Enter your current password.")
                }),
            };
            let new = NewPassword::parse(&new_password).map_err(|e| FieldError::new(Field::NewPassword, e.message));
            let (current, new) = match (current, new) {
                (Ok(current), Ok(new)) => (current, new),
                (current, new) => {
                    let mut fields = Vec::new();
                    if let Err(ApiError::Invalid(errors)) = current {
                        fields.extend(errors);
                    }
                    fields.extend(new.err());
                    return Err(ApiError::Invalid(fields));
                }
            };
            let others = match auth()?
                .passwords().change(
                    &session,
                    &me,
                    current.as_ref(),
                    code.as_deref(),
                    &new,
                    &client_info(),
                )
                .await
            {
                Err(PasswordError::WeakPassword(message)) => {
                    return Err(ApiError::field(Field::NewPassword, message))
                }
                Err(PasswordError::WrongPassword) => {
                    return Err(ApiError::field(
                        Field::CurrentPassword,
                        "That is not your current password.",
                    ))
                }
                Err(PasswordError::PasswordNeeded) => {
                    return Err(ApiError::field(
                        Field::CurrentPassword,
                        "Enter your current password.",
                    ))
                }
                other => other?,
            };
            let message = match others {
                0 => "Your password has been changed.".to_string(),
                1 => "Your password has been changed, and your other device has been signed out.".to_string(),
                n => format!("Your password has been changed, and your {n} other devices have been signed out."),
            };
            flash(&session, Flash::success(message)).await?;
            leptos_axum::redirect("/settings/devices");
            Ok(())
        }
        .await,
    )
}

/// How guessable a new password is, for the meter under the password fields.
/// The signed-in user's name, and `username` if given (the registration form's),
/// count as known to an attacker. Nothing is stored or logged.
#[server(endpoint = "password_strength")]
pub async fn password_strength(
    password: String,
    username: Option<String>,
) -> Result<Strength, ApiError> {
    use super::server::{address_limits, client_ip, finish, session, signed_in};
    use latchkey::domain::NewPassword;

    finish(
        async move {
            address_limits()?.check_strength(client_ip()).await?;
            let password =
                NewPassword::refuse_too_long(&password).map_err(|e| ApiError::Invalid(vec![e]))?;
            let me = signed_in(&session()?).await?;
            let context: Vec<&str> = username
                .as_deref()
                .into_iter()
                .chain(me.as_ref().map(|me| me.user.username.as_str()))
                .collect();
            Ok(latchkey::strength::score(&password, &context).await)
        }
        .await,
    )
}
