use std::fmt;

use super::{Field, FieldError};

/// A password chosen by a user, checked against the policy: 12 to 128 characters
/// of any Unicode, spaces and emoji included. Never trimmed, never truncated,
/// no composition rules (OWASP ASVS 2.1).
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Fewest characters a password may have.
    pub const MIN_CHARS: usize = 12;
    /// Most characters a password may have.
    pub const MAX_CHARS: usize = 128;

    /// Checks a password typed into a registration or change form.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(FieldError::new(
                Field::Password,
                format!("Use at least {} characters.", Self::MIN_CHARS),
            ));
        }
        Self::refuse_too_long(raw)?;
        Ok(Self(raw.to_string()))
    }

    /// Refuses text longer than any password may be: what the strength meter
    /// scores while the user types, too short or not.
    pub fn refuse_too_long(raw: &str) -> Result<(), FieldError> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                Field::Password,
                format!("Use at most {} characters.", Self::MAX_CHARS),
            ));
        }
        Ok(())
    }

    /// The secret itself, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A password typed at log-in. No policy applies (the account may predate it),
/// but it is never empty.
#[derive(Clone)]
pub struct PasswordAttempt(String);

impl PasswordAttempt {
    /// Accepts any non-empty password attempt.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(Field::Password, "Enter your password."));
        }
        Ok(Self(raw.to_string()))
    }

    /// The secret itself, for verification only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the attempt could be a password the policy ever allowed.
    pub fn is_plausible(&self) -> bool {
        self.0.chars().count() <= NewPassword::MAX_CHARS
    }
}

/// A new password's strength, as the server scores it and the forms show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Strength {
    /// 0 (trivial) to 4 (very strong).
    pub score: u8,
    /// Whether the policy accepts it.
    pub acceptable: bool,
    /// Why it is weak, and how to do better (empty when it is strong).
    pub advice: String,
}

impl Strength {
    /// The score in a word.
    pub fn label(&self) -> &'static str {
        match self.score {
            0 => "Very weak",
            1 => "Weak",
            2 => "Fair",
            3 => "Strong",
            _ => "Very strong",
        }
    }
}

// Secrets never reach a log line, even through `{:?}`.
impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

impl fmt::Debug for PasswordAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordAttempt(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_twelve_to_one_hundred_twenty_eight_characters() {
        assert!(NewPassword::parse(&"a".repeat(12)).is_ok());
        assert!(NewPassword::parse(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn rejects_eleven_characters_and_one_hundred_twenty_nine() {
        assert_eq!(
            NewPassword::parse(&"a".repeat(11)).unwrap_err().message,
            "Use at least 12 characters."
        );
        assert_eq!(
            NewPassword::parse(&"a".repeat(129)).unwrap_err().message,
            "Use at most 128 characters."
        );
    }

    #[test]
    fn counts_characters_not_bytes_so_emoji_and_accents_count_once() {
        // 12 characters, 40+ bytes.
        let emoji = "🔑🔒🔓 é ü ßøñ!";
        assert_eq!(emoji.chars().count(), 12);
        assert!(NewPassword::parse(emoji).is_ok());
        assert!(NewPassword::parse(&"🔑".repeat(128)).is_ok());
        assert!(NewPassword::parse(&"🔑".repeat(129)).is_err());
    }

    #[test]
    fn keeps_spaces_and_never_truncates() {
        let raw = "  correct horse battery staple  ";
        assert_eq!(NewPassword::parse(raw).unwrap().expose(), raw);
        let long = "x".repeat(128);
        assert_eq!(NewPassword::parse(&long).unwrap().expose(), long);
    }

    #[test]
    fn has_no_composition_rules() {
        assert!(NewPassword::parse("alllowercaseletters").is_ok());
        assert!(NewPassword::parse("123456789012").is_ok());
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let p = NewPassword::parse("hunter2hunter2").unwrap();
        let a = PasswordAttempt::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}{a:?}").contains("hunter2"));
    }

    #[test]
    fn a_login_attempt_only_has_to_be_non_empty() {
        assert!(PasswordAttempt::parse("short").is_ok());
        assert_eq!(
            PasswordAttempt::parse("").unwrap_err().message,
            "Enter your password."
        );
        assert!(!PasswordAttempt::parse(&"a".repeat(129))
            .unwrap()
            .is_plausible());
    }
}
