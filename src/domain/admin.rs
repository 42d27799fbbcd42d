//! What the admin console shows: roles, the user list, one user's record,
//! and the audit log of what administrators did.

use super::UnixTime;
use serde::{Deserialize, Serialize};

use super::{Activity, Device, Field, FieldError, UserId};

/// What an account may do. Room for more; today an admin may run the
/// console, and a user may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Everyone.
    User,
    /// May use `/admin`.
    Admin,
}

impl Role {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    /// The role with this stored name.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "user" => Some(Self::User),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserRow {
    /// Which.
    pub id: UserId,
    /// The name as typed.
    pub username: String,
    /// Their address, if any.
    pub email: Option<String>,
    /// Their role.
    pub role: Role,
    /// Registered (Unix seconds).
    pub created_at: UnixTime,
    /// Whether the account is locked.
    pub locked: bool,
}

/// A page of the user list, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserPage {
    /// The users, by username.
    pub users: Vec<AdminUserRow>,
    /// The cursor of the next page (the last username key), if there is one.
    pub next: Option<String>,
}

/// One user as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserDetail {
    /// The list's row.
    pub user: AdminUserRow,
    /// Their display name.
    pub display_name: String,
    /// Their bio.
    pub bio: String,
    /// When they last signed in (any way), if ever.
    pub last_sign_in: Option<UnixTime>,
    /// Why the account is locked, when it is.
    pub locked_reason: Option<String>,
    /// Their signed-in devices.
    pub devices: Vec<Device>,
    /// Their latest activity, newest first.
    pub activity: Vec<Activity>,
    /// Whether an authenticator app is on.
    pub totp: bool,
    /// How many passkeys they have.
    pub passkeys: u32,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

/// What an administrator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminAction {
    /// Made an admin (from the console or the command line).
    Granted,
    /// Made a plain user again.
    Revoked,
    /// Locked the account, signing it out everywhere.
    Locked,
    /// Unlocked it.
    Unlocked,
    /// Signed every device out.
    SignedOut,
    /// Mailed a password-reset link.
    SentReset,
    /// Removed the second factors (authenticator, passkeys, recovery codes).
    RemovedFactors,
    /// Deleted the account.
    Deleted,
}

impl AdminAction {
    /// Every action.
    pub const ALL: [Self; 8] = [
        Self::Granted,
        Self::Revoked,
        Self::Locked,
        Self::Unlocked,
        Self::SignedOut,
        Self::SentReset,
        Self::RemovedFactors,
        Self::Deleted,
    ];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Revoked => "revoked",
            Self::Locked => "locked",
            Self::Unlocked => "unlocked",
            Self::SignedOut => "signed_out",
            Self::SentReset => "sent_reset",
            Self::RemovedFactors => "removed_factors",
            Self::Deleted => "deleted",
        }
    }

    /// The action with this stored name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// What was done, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Granted => "made an administrator",
            Self::Revoked => "made a plain user",
            Self::Locked => "locked",
            Self::Unlocked => "unlocked",
            Self::SignedOut => "signed out everywhere",
            Self::SentReset => "sent a password-reset link",
            Self::RemovedFactors => "second factors removed",
            Self::Deleted => "deleted",
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (Unix seconds).
    pub at: UnixTime,
    /// Who did it: an admin's name, or "command line".
    pub by: String,
    /// What.
    pub action: AdminAction,
    /// To whom (their name then).
    pub target: String,
    /// The reason given, if any.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_actions_round_trip_through_their_stored_names() {
        for role in [Role::User, Role::Admin] {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        for action in AdminAction::ALL {
            assert_eq!(AdminAction::from_code(action.code()), Some(action));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}

/// An admin's reason for a lock or a factor removal: one line of at most
/// [`AdminReason::MAX_CHARS`] characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminReason(String);

impl AdminReason {
    /// The longest reason.
    pub const MAX_CHARS: usize = 200;

    /// The reason typed in the console, checked.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        let fits = (1..=Self::MAX_CHARS).contains(&text.chars().count());
        match fits && !text.chars().any(char::is_control) {
            true => Ok(Self(text.to_string())),
            false => Err(FieldError::new(
                Field::Reason,
                "Give a reason, on one line, of at most 200 characters.",
            )),
        }
    }

    /// The reason's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an admin asks the console to do to an account, parsed from its
/// form: the action's name and, for a lock or a factor removal, the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminRequest {
    /// Lock the account, signing it out everywhere.
    Lock(AdminReason),
    /// Unlock it.
    Unlock,
    /// Sign every device out.
    SignOut,
    /// Mail a password-reset link to the confirmed address.
    SendReset,
    /// Remove the authenticator, passkeys and recovery codes.
    RemoveFactors(AdminReason),
    /// Make the account an admin.
    MakeAdmin,
    /// Make it a plain user.
    MakeUser,
    /// Delete the account.
    Delete,
}

/// Why an admin's form does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminRequestError {
    /// No action has that name.
    UnknownAction,
    /// The reason the action needs is missing or does not fit.
    Reason(FieldError),
}

impl AdminRequest {
    /// The action named `action` (the console's form names: `lock`,
    /// `unlock`, `sign_out`, `send_reset`, `remove_factors`, `make_admin`,
    /// `make_user`, `delete`), with `reason` where it takes one.
    pub fn parse(action: &str, reason: &str) -> Result<Self, AdminRequestError> {
        let reason = || AdminReason::parse(reason).map_err(AdminRequestError::Reason);
        Ok(match action {
            "lock" => Self::Lock(reason()?),
            "unlock" => Self::Unlock,
            "sign_out" => Self::SignOut,
            "send_reset" => Self::SendReset,
            "remove_factors" => Self::RemoveFactors(reason()?),
            "make_admin" => Self::MakeAdmin,
            "make_user" => Self::MakeUser,
            "delete" => Self::Delete,
            _ => return Err(AdminRequestError::UnknownAction),
        })
    }
}

#[cfg(test)]
mod request_tests {
    use super::*;

    #[test]
    fn every_form_action_parses_and_a_reason_is_one_short_line() {
        for name in [
            "lock",
            "unlock",
            "sign_out",
            "send_reset",
            "remove_factors",
            "make_admin",
            "make_user",
            "delete",
        ] {
            assert!(AdminRequest::parse(name, "spam").is_ok(), "{name}");
        }
        assert_eq!(
            AdminRequest::parse("frobnicate", "x"),
            Err(AdminRequestError::UnknownAction)
        );
        for bad in ["", "   ", "two\nlines", &"x".repeat(201)] {
            assert!(matches!(
                AdminRequest::parse("lock", bad),
                Err(AdminRequestError::Reason(_))
            ));
        }
        let kept = AdminRequest::parse("lock", "  Spam  ").unwrap();
        assert_eq!(kept, AdminRequest::Lock(AdminReason("Spam".into())));
        assert!(
            AdminReason::parse(&"é".repeat(200)).is_ok(),
            "characters, not bytes"
        );
    }
}
