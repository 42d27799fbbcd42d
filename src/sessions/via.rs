//! How a browser proved who it is when it signed in.

use serde::{Deserialize, Serialize};

use crate::domain::ActivityKind;

/// How a browser proved who it is when it signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    /// The account's password (which also opens sudo mode for a while).
    Password,
    /// A single-use link mailed to the account's address.
    EmailLink,
    /// A passkey: something the user has, unlocked by something they are
    /// or know, so a second factor in itself.
    Passkey,
}

impl Via {
    /// The activity a sign-in this way records.
    pub(super) fn activity(self) -> ActivityKind {
        match self {
            Self::Password => ActivityKind::SignedInWithPassword,
            Self::EmailLink => ActivityKind::SignedInWithEmailLink,
            Self::Passkey => ActivityKind::SignedInWithPasskey,
        }
    }

    /// Its name in the metrics' `method` label.
    pub fn code(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::EmailLink => "email_link",
            Self::Passkey => "passkey",
        }
    }

    /// How the device list says a sign-in this way alone happened.
    pub fn label(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::EmailLink => "emailed link",
            Self::Passkey => "passkey",
        }
    }
}
