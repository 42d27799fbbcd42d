use std::fmt;

use unicode_normalization::UnicodeNormalization;

use super::{Field, FieldError};

/// A password in Unicode normalisation form KC, the form NIST SP 800-63B
/// 5.1.1.2 asks verifiers to apply: the same password typed as composed or
/// decomposed characters ("é" or "e" + U+0301, as some keyboards and systems
/// send it), or in compatibility forms (full-width letters from an East Asian
/// input method, a no-break space, the "ﬁ" ligature), is one password. KC
/// rather than C because those compatibility forms are what people cannot
/// see they typed; folding them costs an attacker nothing they could not
/// try anyway.
pub fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// A password chosen by a user, checked against the policy: 12 to 128 characters
/// of any Unicode, spaces and emoji included, counted after [`normalize`].
/// Never trimmed, never truncated, no composition rules (OWASP ASVS 2.1).
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Fewest characters a password may have.
    pub const MIN_CHARS: usize = 12;
    /// Most characters a password may have.
    pub const MAX_CHARS: usize = 128;

    /// Checks a password typed into a registration or change form.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let password = Self::refuse_too_long(raw)?;
        if password.chars().count() < Self::MIN_CHARS {
            return Err(FieldError::new(
                Field::Password,
                format!("Use at least {} characters.", Self::MIN_CHARS),
            ));
        }
        Ok(Self(password))
    }

    /// Refuses text longer than any password may be, or answers it
    /// normalised: what the strength meter scores while the user types, too
    /// short or not.
    pub fn refuse_too_long(raw: &str) -> Result<String, FieldError> {
        // Normalising can lengthen text (one character can become eighteen),
        // so the raw text is bounded first: anything this long is refused
        // whatever it normalises to.
        if raw.chars().count() > Self::MAX_CHARS * 18 {
            return Err(Self::too_long());
        }
        let password = normalize(raw);
        if password.chars().count() > Self::MAX_CHARS {
            return Err(Self::too_long());
        }
        Ok(password)
    }

    fn too_long() -> FieldError {
        FieldError::new(
            Field::Password,
            format!("Use at most {} characters.", Self::MAX_CHARS),
        )
    }

    /// The secret itself (normalised), for scoring and hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A password typed at log-in. No policy applies (the account may predate it),
/// but it is never empty. Kept both as typed and [`normalize`]d: hashes made
/// before passwords were normalised are checked against both.
#[derive(Clone)]
pub struct PasswordAttempt {
    typed: String,
    normalized: String,
}

impl PasswordAttempt {
    /// Accepts any non-empty password attempt.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(Field::Password, "Enter your password."));
        }
        // An attempt no policy ever allowed is not normalised (it can only
        // fail); a bound on the work a long one could cause.
        let normalized = if raw.chars().count() <= NewPassword::MAX_CHARS * 18 {
            normalize(raw)
        } else {
            raw.to_string()
        };
        Ok(Self {
            typed: raw.to_string(),
            normalized,
        })
    }

    /// The secret, normalised, for verification only.
    pub fn expose(&self) -> &str {
        &self.normalized
    }

    /// The secret exactly as typed, for hashes that predate normalisation.
    pub fn expose_as_typed(&self) -> &str {
        &self.typed
    }

    /// Whether the attempt could be a password the policy ever allowed.
    pub fn is_plausible(&self) -> bool {
        self.typed.chars().count() <= NewPassword::MAX_CHARS
            || self.normalized.chars().count() <= NewPassword::MAX_CHARS
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

    #[test]
    fn passwords_are_normalised_before_the_length_rule() {
        let composed = NewPassword::parse("cr\u{e8}me br\u{fb}l\u{e9}e").unwrap();
        let decomposed = NewPassword::parse("cre\u{300}me bru\u{302}le\u{301}e").unwrap();
        assert_eq!(composed.expose(), decomposed.expose());
        // Eleven characters once composed, fourteen code points as typed.
        assert!(NewPassword::parse("e\u{301}e\u{301}e\u{301}abcdefgh").is_err());
        // 128 composed characters typed as 256 code points are allowed.
        assert!(NewPassword::parse(&"e\u{301}".repeat(128)).is_ok());
        // One character that normalises to eighteen counts as eighteen.
        assert_eq!(
            NewPassword::parse(&"\u{fdfa}".repeat(7))
                .unwrap()
                .expose()
                .chars()
                .count(),
            126
        );
        assert!(NewPassword::parse(&"\u{fdfa}".repeat(8)).is_err());
        let attempt = PasswordAttempt::parse("ｐａｓｓ\u{a0}word").unwrap();
        assert_eq!(attempt.expose(), "pass word");
        assert_eq!(attempt.expose_as_typed(), "ｐａｓｓ\u{a0}word");
    }
}
