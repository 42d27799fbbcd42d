use super::UnixTime;
use serde::{Deserialize, Serialize};

/// A security event in a user's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    /// The account was registered.
    AccountCreated,
    /// Signed in with the password.
    SignedInWithPassword,
    /// Signed in by a remember-me cookie.
    SignedInRemembered,
    /// Signed in with a link mailed to the account's address.
    SignedInWithEmailLink,
    /// A wrong password was given for this account.
    SignInFailed,
    /// Signed out.
    SignedOut,
    /// A copied remember-me cookie was used; its device was signed out.
    RememberTheftSignal,
    /// A device was signed out from the device list.
    DeviceRevoked,
    /// The password was changed (and other devices signed out).
    PasswordChanged,
    /// The username was changed (the old name became free).
    UsernameChanged,
    /// The new address confirmed, and became the account's.
    EmailChanged,
    /// A change of address was undone from the old address.
    EmailChangeUndone,
    /// An authenticator app was set up: sign-ins ask for its codes.
    TotpEnabled,
    /// The authenticator app was removed.
    TotpDisabled,
    /// A new set of recovery codes replaced the old one.
    RecoveryCodesRenewed,
    /// A sign-in passed its second step with an authenticator code.
    SecondFactorTotp,
    /// A sign-in passed its second step with a recovery code.
    SecondFactorRecoveryCode,
    /// A wrong code was given at a sign-in's second step.
    SecondFactorFailed,
    /// Signed in with a passkey alone.
    SignedInWithPasskey,
    /// A sign-in passed its second step with a passkey.
    SecondFactorPasskey,
    /// A passkey was added.
    PasskeyAdded,
    /// A passkey was removed.
    PasskeyRemoved,
    /// The password was removed: passkeys alone sign in.
    PasswordRemoved,
    /// An administrator locked the account.
    AdminLocked,
    /// An administrator unlocked it.
    AdminUnlocked,
    /// An administrator signed every device out.
    AdminSignedOut,
    /// An administrator mailed a password-reset link.
    AdminSentReset,
    /// An administrator removed the second factors.
    AdminRemovedFactors,
    /// An administrator made the account an admin.
    AdminGranted,
    /// An administrator made the account a plain user.
    AdminRevoked,
}

impl ActivityKind {
    /// Every kind.
    pub const ALL: [Self; 30] = [
        Self::AccountCreated,
        Self::SignedInWithPassword,
        Self::SignedInRemembered,
        Self::SignedInWithEmailLink,
        Self::SignInFailed,
        Self::SignedOut,
        Self::RememberTheftSignal,
        Self::DeviceRevoked,
        Self::PasswordChanged,
        Self::UsernameChanged,
        Self::EmailChanged,
        Self::EmailChangeUndone,
        Self::TotpEnabled,
        Self::TotpDisabled,
        Self::RecoveryCodesRenewed,
        Self::SecondFactorTotp,
        Self::SecondFactorRecoveryCode,
        Self::SecondFactorFailed,
        Self::SignedInWithPasskey,
        Self::SecondFactorPasskey,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::PasswordRemoved,
        Self::AdminLocked,
        Self::AdminUnlocked,
        Self::AdminSignedOut,
        Self::AdminSentReset,
        Self::AdminRemovedFactors,
        Self::AdminGranted,
        Self::AdminRevoked,
    ];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::AccountCreated => "account_created",
            Self::SignedInWithPassword => "sign_in_password",
            Self::SignedInRemembered => "sign_in_remembered",
            Self::SignedInWithEmailLink => "sign_in_email_link",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "sign_out",
            Self::RememberTheftSignal => "remember_theft",
            Self::DeviceRevoked => "device_revoked",
            Self::PasswordChanged => "password_changed",
            Self::UsernameChanged => "username_changed",
            Self::EmailChanged => "email_changed",
            Self::EmailChangeUndone => "email_change_undone",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::SecondFactorTotp => "second_factor_totp",
            Self::SecondFactorRecoveryCode => "second_factor_recovery",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::SignedInWithPasskey => "sign_in_passkey",
            Self::SecondFactorPasskey => "second_factor_passkey",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasswordRemoved => "password_removed",
            Self::AdminLocked => "admin_locked",
            Self::AdminUnlocked => "admin_unlocked",
            Self::AdminSignedOut => "admin_signed_out",
            Self::AdminSentReset => "admin_sent_reset",
            Self::AdminRemovedFactors => "admin_removed_factors",
            Self::AdminGranted => "admin_granted",
            Self::AdminRevoked => "admin_revoked",
        }
    }

    /// The kind with this stored name.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What happened, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::AccountCreated => "Account created",
            Self::SignedInWithPassword => "Signed in with password",
            Self::SignedInRemembered => "Signed in by “Remember me”",
            Self::SignedInWithEmailLink => "Signed in with a link mailed to you",
            Self::SignInFailed => "Failed sign-in (wrong password)",
            Self::SignedOut => "Signed out",
            Self::RememberTheftSignal => {
                "A copied “Remember me” cookie was used: that device was signed out"
            }
            Self::DeviceRevoked => "A device was signed out",
            Self::PasswordChanged => "Password changed; other devices were signed out",
            Self::UsernameChanged => "Username changed",
            Self::EmailChanged => "Email address changed",
            Self::EmailChangeUndone => "Email address change undone; every device was signed out",
            Self::TotpEnabled => "Authenticator app set up: sign-ins now ask for a code",
            Self::TotpDisabled => "Authenticator app removed",
            Self::RecoveryCodesRenewed => "New recovery codes made; the old ones stopped working",
            Self::SecondFactorTotp => "Sign-in confirmed with an authenticator code",
            Self::SecondFactorRecoveryCode => "Sign-in confirmed with a recovery code",
            Self::SecondFactorFailed => "Wrong code at a sign-in's second step",
            Self::SignedInWithPasskey => "Signed in with a passkey",
            Self::SecondFactorPasskey => "Sign-in confirmed with a passkey",
            Self::PasskeyAdded => "Passkey added: it signs in, and confirms sign-ins",
            Self::PasskeyRemoved => "Passkey removed",
            Self::PasswordRemoved => "Password removed: passkeys alone sign in",
            Self::AdminLocked => "An administrator locked your account and signed you out",
            Self::AdminUnlocked => "An administrator unlocked your account",
            Self::AdminSignedOut => "An administrator signed you out everywhere",
            Self::AdminSentReset => "An administrator sent you a password-reset link",
            Self::AdminRemovedFactors => "An administrator removed your second factors",
            Self::AdminGranted => "An administrator made you an administrator",
            Self::AdminRevoked => "An administrator made you a plain user",
        }
    }
}

impl ActivityKind {
    /// What the user's own activity says when an admin did `action`
    /// (nothing for a deletion: no activity is left to show it).
    pub fn by_admin(action: super::AdminAction) -> Option<Self> {
        use super::AdminAction as A;
        Some(match action {
            A::Locked => Self::AdminLocked,
            A::Unlocked => Self::AdminUnlocked,
            A::SignedOut => Self::AdminSignedOut,
            A::SentReset => Self::AdminSentReset,
            A::RemovedFactors => Self::AdminRemovedFactors,
            A::Granted => Self::AdminGranted,
            A::Revoked => Self::AdminRevoked,
            A::Deleted => return None,
        })
    }
}

/// One entry of the activity page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// What happened.
    pub kind: ActivityKind,
    /// When (Unix seconds).
    pub at: UnixTime,
    /// From which address.
    pub ip: String,
    /// The browser ("Firefox 133").
    pub browser: String,
    /// The system ("Linux").
    pub os: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ActivityKind::from_code("nonsense"), None);
    }
}
