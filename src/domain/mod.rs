//! Pure types and rules of the auth domain. Each input type has a `parse` that
//! returns a typed error, so a value that exists is valid.

mod activity;
mod admin;
mod device;
mod email;
mod factors;
mod field;
mod flash;
mod password;
mod profile;
mod return_to;
mod time;
mod user;
mod username;
mod words;

pub use activity::{Activity, ActivityKind};
pub use admin::{
    AdminAction, AdminReason, AdminRequest, AdminRequestError, AdminUserDetail, AdminUserPage,
    AdminUserRow, AuditEntry, Role,
};
pub use device::{Device, DeviceId};
pub use email::EmailAddress;
pub use factors::{
    PasskeyId, PasskeyName, PasskeySummary, SecondFactorRule, SecurityStatus, SudoAsks, TotpState,
    Trusted, LATELY,
};
pub use field::{Field, FieldError};
pub use flash::{Flash, FlashLevel};
pub use password::{NewPassword, PasswordAttempt, Strength};
pub use profile::{Bio, DisplayName, Location, ProfileUpdate};
pub use return_to::{LoginReason, ReturnTo};
pub use time::UnixTime;
pub use user::{CurrentUser, EmailSettings, EmailStatus, Profile, UserId};
pub use username::Username;
pub use words::plural;
