use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Field, FieldError};

/// A valid username: 3 to 32 ASCII letters, digits, `_`, `-` or `.`, kept as typed.
///
/// ASCII only, so that two names that look alike are never two accounts.
/// Uniqueness ignores case: see [`Username::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    /// Fewest characters a username may have.
    pub const MIN_LEN: usize = 3;
    /// Most characters a username may have.
    pub const MAX_LEN: usize = 32;

    /// Parses a username as typed in a form; surrounding spaces are ignored.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        let error = |message: &str| Err(FieldError::new(Field::Username, message));
        if name.is_empty() {
            return error("Enter a username.");
        }
        if let Some(bad) = name.chars().find(|c| !Self::is_allowed(*c)) {
            let shown = if bad.is_whitespace() || bad.is_control() {
                "spaces or invisible characters".to_string()
            } else {
                format!("'{bad}'")
            };
            return Err(FieldError::new(
                Field::Username,
                format!("Usernames may use letters, digits, '_', '-' and '.', not {shown}."),
            ));
        }
        let len = name.len();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return error("Usernames are 3 to 32 characters long.");
        }
        Ok(Self(name.to_string()))
    }

    fn is_allowed(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
    }

    /// The name as the user typed it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that uniqueness and look-ups use.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letters_digits_and_the_three_marks() {
        for ok in ["abc", "Alice_01", "a.b-c", "x".repeat(32).as_str(), "123"] {
            assert_eq!(
                Username::parse(ok).map(|u| u.to_string()),
                Ok(ok.to_string())
            );
        }
    }

    #[test]
    fn keeps_the_case_as_typed_but_keys_on_lower_case() {
        let name = Username::parse("AliCe").unwrap();
        assert_eq!(name.as_str(), "AliCe");
        assert_eq!(name.key(), "alice");
        assert_eq!(Username::parse("ALICE").unwrap().key(), name.key());
    }

    #[test]
    fn ignores_surrounding_spaces() {
        assert_eq!(Username::parse("  bob  ").unwrap().as_str(), "bob");
    }

    #[test]
    fn rejects_empty_and_blank_names() {
        for bad in ["", "   ", "\t"] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!(err.field, Field::Username);
            assert_eq!(err.message, "Enter a username.");
        }
    }

    #[test]
    fn rejects_names_that_are_too_short_or_too_long() {
        for bad in ["ab", "x".repeat(33).as_str()] {
            let err = Username::parse(bad).unwrap_err();
            assert_eq!(err.message, "Usernames are 3 to 32 characters long.");
        }
    }

    #[test]
    fn rejects_other_characters_and_names_the_culprit() {
        assert!(Username::parse("al ice")
            .unwrap_err()
            .message
            .contains("spaces"));
        assert!(Username::parse("bob@x")
            .unwrap_err()
            .message
            .contains("'@'"));
        assert!(Username::parse("zoë").unwrap_err().message.contains("'ë'"));
        assert!(Username::parse("a\0bc")
            .unwrap_err()
            .message
            .contains("invisible"));
        assert!(Username::parse("<script>").is_err());
        assert!(Username::parse("x'; DROP TABLE users;--").is_err());
    }
}
