//! Server functions: thin adapters at stable URLs under `/api`. Each parses its
//! arguments into domain types, checks who may act, calls the core and maps the
//! outcome to [`ApiError`]. No business logic lives here.

mod account;
mod activity;
mod admin;
#[cfg(feature = "ssr")]
mod answers;
mod devices;
mod email;
mod email_settings;
mod error;
mod factors;
mod lifecycle;
mod passkeys;
mod password;
mod profile;
#[cfg(feature = "ssr")]
mod server;
#[cfg(all(test, feature = "ssr"))]
mod status_tests;
mod sudo;
#[cfg(feature = "ssr")]
pub use server::{cookie_header, RequestIdentity};

pub use account::{
    current_user, log_in, log_out, register, remember_days, take_flash, CurrentUserFn, LogIn,
    LogOut, Register, RememberDays, TakeFlash,
};
pub use activity::{list_activity, ListActivity};
pub use admin::{
    admin_act, admin_audit, admin_user, admin_users, AdminAct, AdminAudit, AdminUser, AdminUsers,
};
pub use devices::{
    list_devices, revoke_device, revoke_other_devices, ListDevices, RevokeDevice,
    RevokeOtherDevices,
};
pub use email::{
    request_password_reset, request_sign_in_link, resend_verification, reset_link_trusts,
    reset_password, sign_in_with_link, verify_email, RequestPasswordReset, RequestSignInLink,
    ResendVerification, ResetLinkTrusts, ResetPassword, SignInWithLink, VerifyEmail,
};
pub use email_settings::{
    change_email, confirm_email_change, email_settings, set_new_device_notices, undo_email_change,
    ChangeEmail, ConfirmEmailChange, EmailSettingsFn, SetNewDeviceNotices, UndoEmailChange,
};
pub use error::ApiError;
pub use factors::{
    begin_totp, confirm_totp, disable_totp, renew_recovery_codes, security_status, verify_factor,
    BeginTotp, ConfirmTotp, DisableTotp, RenewRecoveryCodes, SecurityStatusFn, VerifyFactor,
};
pub use lifecycle::{change_username, delete_account, ChangeUsername, DeleteAccount};
pub use passkeys::{
    add_passkey, passkey_factor, passkey_factor_options, passkey_registration_options,
    passkey_sign_in, passkey_sign_in_options, passkey_sudo, passkey_sudo_options, remove_passkey,
    remove_password, rename_passkey, AddPasskey, PasskeyFactor, PasskeySignIn, PasskeySudo,
    RemovePasskey, RemovePassword, RenamePasskey,
};
pub use password::{change_password, password_strength, ChangePassword, PasswordStrength};
pub use profile::{get_profile, my_profile, update_profile, GetProfile, MyProfile, UpdateProfile};
pub use sudo::{confirm_password, sudo_asks, sudo_status, ConfirmPassword, SudoAsksFn, SudoStatus};
