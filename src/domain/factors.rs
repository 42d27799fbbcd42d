use super::UnixTime;
use serde::{Deserialize, Serialize};

use super::{Field, FieldError};

/// Where an account's authenticator-app sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpState {
    /// Not set up.
    Off,
    /// Set up but not yet confirmed by a first code: what to scan or type.
    Enrolling {
        /// The secret in groups of four, for typing into the app.
        secret: String,
        /// The same as a QR code (inline SVG, drawn on the server).
        qr_svg: String,
    },
    /// On: every sign-in asks for a code.
    On,
}

/// The signed-in user's second factors, for their security settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityStatus {
    /// The authenticator app.
    pub totp: TotpState,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Recovery codes made just now, shown this once.
    pub fresh_codes: Option<Vec<String>>,
    /// Whether this server can keep authenticator secrets
    /// (`LATCHKEY_SECRET_KEY`, or a development key).
    pub available: bool,
    /// The passkeys, oldest first.
    pub passkeys: Vec<PasskeySummary>,
    /// Why this server offers no passkeys, if it does not.
    pub passkeys_unavailable: Option<String>,
    /// Whether the account has a password (else passkeys alone sign in).
    pub has_password: bool,
    /// When the authenticator app was turned on, if it is on.
    pub totp_since: Option<UnixTime>,
    /// A factor added at or after this moment was added lately
    /// ([`LATELY`]): the page marks it, so an intruder's stands out.
    pub lately_since: UnixTime,
}

/// How long a factor counts as added lately: a week.
pub const LATELY: i64 = 7 * 24 * 60 * 60;

/// What an account trusts besides its password, for someone about to
/// recover it (the reset page): its second factors, and when each came.
/// Names and dates only; nothing that signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trusted {
    /// When the authenticator app was turned on, if it is on.
    pub totp_since: Option<UnixTime>,
    /// Each passkey's name and when it was added, oldest first.
    pub passkeys: Vec<(String, UnixTime)>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// As in [`SecurityStatus::lately_since`].
    pub lately_since: UnixTime,
}

impl Trusted {
    /// Whether the account has no second factor at all.
    pub fn is_empty(&self) -> bool {
        self.totp_since.is_none() && self.passkeys.is_empty()
    }
}

/// What sudo mode asks of a user beside their password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SudoAsks {
    /// The password: `false` for an account that signs in with passkeys
    /// alone (a passkey confirms instead).
    pub password: bool,
    /// A second-factor code (authenticator or recovery code).
    pub code: bool,
    /// Whether a passkey can confirm instead (password and code both).
    pub passkey: bool,
}

/// The database id of a passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PasskeyId(pub i64);

impl From<i64> for PasskeyId {
    fn from(id: i64) -> Self {
        Self(id)
    }
}

/// A passkey as its owner's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    /// Which.
    pub id: PasskeyId,
    /// The name its owner gave it.
    pub name: String,
    /// When it was added (Unix seconds).
    pub created_at: UnixTime,
    /// When it was last used.
    pub last_used_at: Option<UnixTime>,
}

/// What a user calls a passkey ("Work laptop"): one line, 1 to 40
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    /// Most characters a name may have.
    pub const MAX_CHARS: usize = 40;

    /// Parses a name; surrounding spaces are dropped.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = super::profile::single_line(Field::PasskeyName, raw, Self::MAX_CHARS, "Names")?;
        if name.is_empty() {
            return Err(FieldError::new(
                Field::PasskeyName,
                "Give the passkey a name, such as the device it is on.",
            ));
        }
        Ok(Self(name))
    }

    /// The name itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_name_is_one_short_visible_line() {
        assert_eq!(
            PasskeyName::parse("  Work laptop ").unwrap().as_str(),
            "Work laptop"
        );
        assert!(PasskeyName::parse("   ").is_err());
        assert!(PasskeyName::parse("a\nb").is_err());
        assert!(PasskeyName::parse("\u{202E}evil").is_err());
        assert!(PasskeyName::parse(&"x".repeat(40)).is_ok());
        assert!(PasskeyName::parse(&"x".repeat(41)).is_err());
    }
}

/// Which accounts must have a second factor (a confirmed authenticator app
/// or a passkey) before they may use what the rule covers
/// (`LATCHKEY_REQUIRE_SECOND_FACTOR`). ASVS 5.0 6.3.3 asks for
/// [`SecondFactorRule::Everyone`]; the default, [`SecondFactorRule::Admins`],
/// keeps the admin console behind two factors and leaves the choice to each
/// user (SECURITY.md gives the reasons and what stands in for it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecondFactorRule {
    /// Nobody needs one: the admin console opens on a password alone.
    Nobody,
    /// Admins need one for the admin console; others choose.
    #[default]
    Admins,
    /// Every account sets one up before anything but that set-up works.
    Everyone,
}

impl SecondFactorRule {
    /// The names [`SecondFactorRule::parse`] accepts.
    pub const NAMES: [&'static str; 3] = ["none", "admins", "everyone"];

    /// One of [`SecondFactorRule::NAMES`].
    pub fn parse(name: &str) -> Result<Self, String> {
        match name.trim() {
            "none" => Ok(Self::Nobody),
            "admins" => Ok(Self::Admins),
            "everyone" => Ok(Self::Everyone),
            other => Err(format!(
                "unknown rule {other:?}; choose from {}",
                Self::NAMES.join(", ")
            )),
        }
    }

    /// The rule's name, as [`SecondFactorRule::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nobody => "none",
            Self::Admins => "admins",
            Self::Everyone => "everyone",
        }
    }

    /// Whether an admin without a second factor is refused the console.
    pub fn covers_admins(self) -> bool {
        self != Self::Nobody
    }
}
