//! The app's server functions and a host's handlers (the kit's
//! [`latchkey::web::Refusal`]) answer each refusal of the core with the
//! same status: one mapping, checked here for every variant a form can show.

use latchkey::auth::SignInError;
use latchkey::auth::{
    AccountError, AdminError, DeviceError, EmailError, FactorError, PasswordError, SudoError,
};
use latchkey::store::StoreError;
use latchkey::throttle::RetryAfter;
use latchkey::web::{status_of, Answer};

use super::ApiError;

fn every_refusal() -> Vec<SignInError> {
    use SignInError as E;
    vec![
        E::InvalidCredentials,
        E::Throttled(RetryAfter(9)),
        E::LinkInvalid,
        E::SignInExpired,
        E::WrongCode,
        E::FactorsUnavailable,
        E::PasskeysUnavailable("no origin".into()),
        E::PasskeyRefused,
        E::PasskeyExpired,
        E::NoPasskey,
        E::AccountLocked("spam".into()),
        E::Store(StoreError::ReadOnly),
    ]
}

#[test]
fn the_app_and_the_kit_give_every_refusal_the_same_status() {
    for error in every_refusal() {
        assert_eq!(status_of(&error), error.status());
    }
    agree(every_refusal());
}

/// Each of `errors` gets one status from the kit and from the app.
fn agree<E: Answer>(errors: impl IntoIterator<Item = E>)
where
    ApiError: From<E>,
{
    for error in errors {
        let name = format!("{error:?}");
        let kit = error.status();
        assert_eq!(ApiError::from(error).status(), kit, "{name}");
    }
}

#[test]
fn the_app_and_the_kit_give_every_device_refusal_the_same_status() {
    let every = [
        DeviceError::ThisDevice,
        DeviceError::NotYourDevice,
        DeviceError::ConfirmPassword,
        DeviceError::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_account_refusal_the_same_status() {
    use AccountError as E;
    let every = [
        E::UsernameTaken,
        E::UsernameUnchanged,
        E::WeakPassword("too common".into()),
        E::NotYourUsername("ada".into()),
        E::Forbidden,
        E::NotFound,
        E::EmailNotVerified,
        E::LastAdmin,
        E::WrongPassword,
        E::PasswordNeeded,
        E::CodeNeeded,
        E::WrongCode,
        E::Throttled(RetryAfter(9)),
        E::FactorsUnavailable,
        E::ConfirmPassword,
        E::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_password_refusal_the_same_status() {
    use PasswordError as E;
    let every = [
        E::WrongPassword,
        E::PasswordNeeded,
        E::CodeNeeded,
        E::WrongCode,
        E::Throttled(RetryAfter(9)),
        E::FactorsUnavailable,
        E::ConfirmPassword,
        E::WeakPassword("too common".into()),
        E::LinkInvalid,
        E::NotFound,
        E::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_sudo_refusal_the_same_status() {
    use SudoError as E;
    let every = [
        E::WrongPassword,
        E::PasswordNeeded,
        E::CodeNeeded,
        E::WrongCode,
        E::Throttled(RetryAfter(9)),
        E::FactorsUnavailable,
        E::PasskeysUnavailable("no origin".into()),
        E::PasskeyRefused,
        E::PasskeyExpired,
        E::NoPasskey,
        E::ConfirmPassword,
        E::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_factor_refusal_the_same_status() {
    use FactorError as E;
    let every = [
        E::FactorsUnavailable,
        E::FactorAlreadyOn,
        E::FactorOff,
        E::WrongCode,
        E::Throttled(RetryAfter(9)),
        E::PasskeysUnavailable("no origin".into()),
        E::PasskeyRefused,
        E::PasskeyExpired,
        E::PasskeyExists,
        E::NotYourPasskey,
        E::NoPassword,
        E::LastSignInMethod,
        E::ConfirmPassword,
        E::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_admin_refusal_the_same_status() {
    use AdminError as E;
    let every = [
        E::NotAdmin,
        E::SecondFactorNeeded,
        E::ConfirmPassword,
        E::NotFound,
        E::NotYourself,
        E::AlreadyDone,
        E::NoEmail,
        E::Failed(StoreError::ReadOnly.into()),
    ];
    agree(every);
}

#[test]
fn the_app_and_the_kit_give_every_email_refusal_the_same_status() {
    use EmailError as E;
    agree([
        E::LinkInvalid,
        E::NoEmail,
        E::AlreadyVerified,
        E::Unchanged,
        E::Throttled(RetryAfter(9)),
        E::ConfirmPassword,
        E::Failed(StoreError::ReadOnly.into()),
    ]);
}
