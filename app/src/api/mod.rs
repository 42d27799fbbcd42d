//! Server functions: thin adapters at stable URLs under `/api`. Each parses its
//! arguments into domain types, checks who may act, calls the core and maps the
//! outcome to [`ApiError`]. No business logic lives here.

mod account;
mod activity;
mod devices;
mod email;
mod error;
mod lifecycle;
mod password;
mod profile;
#[cfg(feature = "ssr")]
mod server;
mod sudo;
#[cfg(feature = "ssr")]
pub use server::{cookie_header, RequestIdentity};

pub use account::{
    current_user, log_in, log_out, register, remember_days, take_flash, CurrentUserFn, LogIn,
    LogOut, Register, RememberDays, TakeFlash,
};
pub use activity::{list_activity, ListActivity};
pub use devices::{
    list_devices, revoke_device, revoke_other_devices, ListDevices, RevokeDevice,
    RevokeOtherDevices,
};
pub use email::{
    request_password_reset, resend_verification, reset_password, verify_email,
    RequestPasswordReset, ResendVerification, ResetPassword, VerifyEmail,
};
pub use error::ApiError;
pub use lifecycle::{change_username, delete_account, ChangeUsername, DeleteAccount};
pub use password::{change_password, password_strength, ChangePassword, PasswordStrength};
pub use profile::{get_profile, my_profile, update_profile, GetProfile, MyProfile, UpdateProfile};
pub use sudo::{confirm_password, sudo_status, ConfirmPassword, SudoStatus};
