use serde::{Deserialize, Serialize};

/// The database id of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub i64);

impl From<i64> for UserId {
    fn from(id: i64) -> Self {
        Self(id)
    }
}

/// The signed-in user as every page sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Database id.
    pub id: UserId,
    /// The username as the user typed it.
    pub username: String,
    /// The name to greet them by; the username when they set none.
    pub display_name: String,
    /// Whether their email address is confirmed.
    #[serde(default)]
    pub email: EmailStatus,
    /// The site asks every account for a second factor and this one has
    /// none yet: only setting one up works until it has
    /// ([`crate::domain::SecondFactorRule::Everyone`]).
    #[serde(default)]
    pub second_factor_needed: bool,
}

/// Where an account's email address stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailStatus {
    /// None on record (an account made before addresses were asked for).
    #[default]
    Missing,
    /// Given, and its link not yet followed.
    Unverified,
    /// Its owner followed the link mailed to it.
    Verified,
}

/// The signed-in user's own address and mail choices, for their settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    /// The address as they gave it, if any.
    pub email: Option<String>,
    /// Where it stands.
    pub status: EmailStatus,
    /// Whether a device they have not used before signing in is mailed to them.
    pub new_device_notices: bool,
}

/// A user's public profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The username as the user typed it.
    pub username: String,
    /// The display name as set (may be empty).
    pub display_name: String,
    /// A short text about the user.
    pub bio: String,
    /// Where the user says they are.
    pub location: String,
}

impl Profile {
    /// The name to show: the display name, or the username when none is set.
    pub fn shown_name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.username
        } else {
            &self.display_name
        }
    }
}
