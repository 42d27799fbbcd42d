//! "Remember me": a token per device in its own cookie, stored hashed, rotated
//! on every use (see [`super::resume`]), and that cookie.

use std::fmt;

use super::lifetimes::seconds;
use crate::cookies::{Cookie, Jar};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long after a rotation the old validator counts as a racing request
/// (two tabs restored at once) rather than a copied cookie.
pub const RACE_GRACE_SECONDS: i64 = 60;

const SELECTOR_BYTES: usize = 16;
const VALIDATOR_BYTES: usize = 32;

/// The value of a remember cookie: a random selector (which token) and a random
/// validator (proof), hex-encoded as `selector.validator`.
#[derive(Clone, PartialEq, Eq)]
pub struct RememberToken {
    pub(super) selector: String,
    validator: String,
}

impl RememberToken {
    pub(super) fn generate(selector: Option<String>) -> Self {
        let mut validator = [0u8; VALIDATOR_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut validator);
        let selector = selector.unwrap_or_else(|| {
            let mut bytes = [0u8; SELECTOR_BYTES];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            hex::encode(bytes)
        });
        Self {
            selector,
            validator: hex::encode(validator),
        }
    }

    /// Reads a cookie value; anything malformed is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let (selector, validator) = value.split_once('.')?;
        let well_formed = |s: &str, bytes: usize| {
            s.len() == 2 * bytes && s.bytes().all(|b| b.is_ascii_hexdigit())
        };
        (well_formed(selector, SELECTOR_BYTES) && well_formed(validator, VALIDATOR_BYTES)).then(
            || Self {
                selector: selector.to_ascii_lowercase(),
                validator: validator.to_ascii_lowercase(),
            },
        )
    }

    /// The cookie value.
    pub fn cookie_value(&self) -> String {
        format!("{}.{}", self.selector, self.validator)
    }

    pub(super) fn validator_hash(&self) -> [u8; 32] {
        Sha256::digest(self.validator.as_bytes()).into()
    }
}

// The validator is a password in all but name: never in a log line.
impl fmt::Debug for RememberToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RememberToken({}.<redacted>)", self.selector)
    }
}

/// How the remember cookie is written: its own cookie, apart from the session's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RememberCookie {
    /// Served over HTTPS: `Secure` and the `__Host-` prefix.
    pub secure: bool,
    /// How long the browser keeps it.
    pub max_age: std::time::Duration,
}

impl RememberCookie {
    /// The cookie's name.
    pub fn name(&self) -> &'static str {
        Jar::Remember.name(self.secure)
    }

    /// The cookie that stores a new `token`.
    pub fn set(&self, token: &RememberToken) -> Cookie<'static> {
        self.cookie(token.cookie_value(), seconds(self.max_age))
    }

    /// The cookie that stores a rotated `token`, kept by the
    /// browser only as long as the token lives.
    pub fn set_rotated(
        &self,
        token: &RememberToken,
        lasts: std::time::Duration,
    ) -> Cookie<'static> {
        let max_age = seconds(lasts).clamp(1, seconds(self.max_age).max(1));
        self.cookie(token.cookie_value(), max_age)
    }

    /// The cookie that deletes the cookie.
    pub fn clear(&self) -> Cookie<'static> {
        self.cookie(String::new(), 0)
    }

    /// This cookie's value in a request's `Cookie` header, if present.
    pub fn read(&self, cookie_header: &str) -> Option<String> {
        crate::cookies::read(cookie_header, self.name())
    }

    /// Whether a `Set-Cookie` value is this cookie's.
    pub fn is_set_by(&self, set_cookie: &str) -> bool {
        Jar::Remember.is_set_by(set_cookie, self.secure)
    }

    fn cookie(&self, value: String, max_age: i64) -> Cookie<'static> {
        Jar::Remember.lasting(value, max_age, self.secure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::cookie::time::Duration;
    use tower_sessions::cookie::SameSite;

    #[test]
    fn a_token_round_trips_through_its_cookie_value() {
        let token = RememberToken::generate(None);
        assert_eq!(
            RememberToken::parse(&token.cookie_value()),
            Some(token.clone())
        );
        assert_eq!(token.cookie_value().len(), 32 + 1 + 64);
    }

    /// 32 and 64 hex digits are 128 and 256 bits, and each digit is drawn:
    /// over 200 tokens every position takes many values, which a constant,
    /// a counter or a short random part padded out would not.
    #[test]
    fn tokens_carry_at_least_128_random_bits_each_part() {
        let tokens: Vec<_> = (0..200).map(|_| RememberToken::generate(None)).collect();
        for (part, digits) in [(0, 2 * SELECTOR_BYTES), (1, 2 * VALIDATOR_BYTES)] {
            let values: Vec<&str> = tokens
                .iter()
                .map(|t| {
                    if part == 0 {
                        t.selector.as_str()
                    } else {
                        t.validator.as_str()
                    }
                })
                .collect();
            assert!(values
                .iter()
                .all(|v| v.len() == digits && v.len() * 4 >= 128));
            for position in 0..digits {
                let seen: std::collections::HashSet<u8> =
                    values.iter().map(|v| v.as_bytes()[position]).collect();
                assert!(seen.len() >= 8, "part {part}, digit {position}: {seen:?}");
            }
        }
    }

    #[test]
    fn rotation_keeps_the_selector_and_changes_the_validator() {
        let a = RememberToken::generate(None);
        let b = RememberToken::generate(Some(a.selector.clone()));
        assert_eq!(a.selector, b.selector);
        assert_ne!(a.validator, b.validator);
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in [
            "",
            ".",
            "abc.def",
            &"a".repeat(97),
            &format!("{}.{}", "g".repeat(32), "a".repeat(64)),
        ] {
            assert_eq!(RememberToken::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_cookie_is_http_only_lax_site_wide_and_secure_over_https() {
        let token = RememberToken::generate(None);
        let plain = RememberCookie {
            secure: false,
            max_age: std::time::Duration::from_secs(60),
        };
        let set = Cookie::parse(plain.set(&token).to_string()).unwrap();
        assert_eq!(set.name(), "latchkey_remember");
        assert_eq!(set.value(), token.cookie_value());
        assert_eq!(set.max_age(), Some(Duration::seconds(60)));
        assert_eq!(set.http_only(), Some(true));
        assert_eq!(set.same_site(), Some(SameSite::Lax));
        assert_eq!(set.path(), Some("/"));
        assert_ne!(set.secure(), Some(true));

        let https = RememberCookie {
            secure: true,
            max_age: std::time::Duration::from_secs(60),
        };
        let set = Cookie::parse(https.set(&token).to_string()).unwrap();
        assert_eq!(set.name(), "__Host-latchkey_remember");
        assert_eq!(set.secure(), Some(true));
        let cleared = Cookie::parse(plain.clear().to_string()).unwrap();
        assert_eq!(
            (cleared.value(), cleared.max_age()),
            ("", Some(Duration::ZERO))
        );
    }

    #[test]
    fn reads_its_own_cookie_among_others() {
        let plain = RememberCookie {
            secure: false,
            max_age: std::time::Duration::from_secs(60),
        };
        assert_eq!(
            plain.read("a=1; latchkey_remember=abc.def; b=2").as_deref(),
            Some("abc.def")
        );
        assert_eq!(plain.read("latchkey_session=x"), None);
        assert_eq!(plain.read("xlatchkey_remember=1"), None);
        assert!(plain.is_set_by(&plain.clear().to_string()));
        assert!(!plain.is_set_by("latchkey_session=1; Path=/"));
        assert!(!plain.is_set_by("latchkey_remember_other=1"));
    }

    #[test]
    fn debug_output_hides_the_validator() {
        let token = RememberToken::generate(None);
        assert!(!format!("{token:?}").contains(&token.validator));
    }
}
