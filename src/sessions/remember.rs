//! "Remember me": a token per device in its own cookie, stored hashed, rotated
//! on every use. A reused old validator means the cookie was copied: the device
//! is signed out for good.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::{Cookie, SameSite};
use tower_sessions::Session;

use super::{ClientInfo, SessionError, SessionPolicy, SignedIn};
use crate::domain::{ActivityKind, DeviceId};

/// How long after a rotation the old validator counts as a racing request
/// (two tabs restored at once) rather than a copied cookie.
pub const RACE_GRACE_SECONDS: i64 = 60;

const SELECTOR_BYTES: usize = 16;
const VALIDATOR_BYTES: usize = 32;

/// The value of a remember cookie: a random selector (which token) and a random
/// validator (proof), hex-encoded as `selector.validator`.
#[derive(Clone, PartialEq, Eq)]
pub struct RememberToken {
    selector: String,
    validator: String,
}

impl RememberToken {
    fn generate(selector: Option<String>) -> Self {
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

    fn validator_hash(&self) -> [u8; 32] {
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
    /// How long the browser keeps it, in seconds.
    pub max_age: i64,
}

impl RememberCookie {
    /// The cookie's name.
    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-latchkey_remember"
        } else {
            "latchkey_remember"
        }
    }

    /// A `Set-Cookie` value that stores `token`.
    pub fn set(&self, token: &RememberToken) -> String {
        self.cookie(token.cookie_value(), self.max_age).to_string()
    }

    /// A `Set-Cookie` value that deletes the cookie.
    pub fn clear(&self) -> String {
        self.cookie(String::new(), 0).to_string()
    }

    /// This cookie's value in a request's `Cookie` header, if present.
    pub fn read(&self, cookie_header: &str) -> Option<String> {
        Cookie::split_parse(cookie_header)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == self.name())
            .map(|cookie| cookie.value().to_string())
    }

    /// Whether a `Set-Cookie` value is this cookie's.
    pub fn is_set_by(&self, set_cookie: &str) -> bool {
        Cookie::parse(set_cookie).is_ok_and(|cookie| cookie.name() == self.name())
    }

    fn cookie(&self, value: String, max_age: i64) -> Cookie<'static> {
        Cookie::build((self.name(), value))
            .max_age(Duration::seconds(max_age))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build()
    }
}

/// What presenting a remember cookie led to.
#[derive(Debug)]
pub enum Resumed {
    /// A fresh session was started; the browser must get this rotated token.
    SignedIn(RememberToken),
    /// Unknown, malformed or expired: the cookie should be cleared.
    Rejected,
    /// A known selector with a wrong validator: a copy of an old cookie. The
    /// device was signed out; the cookie should be cleared.
    TheftSuspected,
    /// The validator was rotated seconds ago by a parallel request of the same
    /// browser: this request stays anonymous and the cookie is left alone.
    Raced,
}

impl SessionPolicy {
    /// A new token for `device` (replacing any it had), valid for the remember period.
    pub(super) async fn issue_token(
        &self,
        device: DeviceId,
    ) -> Result<RememberToken, SessionError> {
        let token = RememberToken::generate(None);
        let expires_at = self.clock.now() + self.lifetimes.remembered;
        self.store
            .put_remember_token(device, &token.selector, &token.validator_hash(), expires_at)
            .await?;
        Ok(token)
    }

    /// Signs a browser with no live session back in from its remember cookie: a
    /// fresh session (new id) on the same device, and a rotated validator.
    pub async fn resume(
        &self,
        session: &Session,
        cookie_value: &str,
        client: &ClientInfo,
    ) -> Result<Resumed, SessionError> {
        let Some(token) = RememberToken::parse(cookie_value) else {
            return Ok(Resumed::Rejected);
        };
        if !self.lifetimes.remembers() {
            // Turned off since this cookie was issued.
            return Ok(Resumed::Rejected);
        }
        let Some(row) = self.store.find_remember_token(&token.selector).await? else {
            return Ok(Resumed::Rejected);
        };
        let now = self.clock.now();
        if row.expires_at <= now {
            self.store.delete_remember_token(&token.selector).await?;
            return Ok(Resumed::Rejected);
        }
        let presented = token.validator_hash();
        if !bool::from(row.validator_hash.as_slice().ct_eq(&presented)) {
            let just_rotated = row.previous.as_ref().is_some_and(|(previous, at)| {
                now - at <= RACE_GRACE_SECONDS && bool::from(previous.as_slice().ct_eq(&presented))
            });
            if just_rotated {
                return Ok(Resumed::Raced);
            }
            self.store
                .transaction(|store| async move {
                    store.delete_device_by_id(row.device).await?;
                    let policy = self.on(store);
                    policy
                        .record(row.user, ActivityKind::RememberTheftSignal, client)
                        .await
                })
                .await?;
            tracing::warn!(
                user = row.user.0,
                device = row.device.0,
                "an old remember-me validator was presented again: device signed out"
            );
            return Ok(Resumed::TheftSuspected);
        }
        let rotated = RememberToken::generate(Some(token.selector.clone()));
        let expires_at = now + self.lifetimes.remembered;
        let new_hash = rotated.validator_hash();
        let (selector, device) = (&token.selector, row.device);
        let won = self
            .store
            .transaction(|store| async move {
                let won = store
                    .rotate_remember_token(selector, &presented, &new_hash, now, expires_at)
                    .await?;
                if won {
                    store.touch_device(device, now).await?;
                    let policy = self.on(store);
                    policy
                        .record(row.user, ActivityKind::SignedInRemembered, client)
                        .await?;
                }
                Ok::<_, SessionError>(won)
            })
            .await?;
        if !won {
            return Ok(Resumed::Raced);
        }
        let record = SignedIn {
            user: row.user,
            device: row.device,
            at: now,
            seen: now,
            remember: true,
            confirmed: None,
        };
        super::start(session, record).await?;
        Ok(Resumed::SignedIn(rotated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            max_age: 60,
        };
        let set = Cookie::parse(plain.set(&token)).unwrap();
        assert_eq!(set.name(), "latchkey_remember");
        assert_eq!(set.value(), token.cookie_value());
        assert_eq!(set.max_age(), Some(Duration::seconds(60)));
        assert_eq!(set.http_only(), Some(true));
        assert_eq!(set.same_site(), Some(SameSite::Lax));
        assert_eq!(set.path(), Some("/"));
        assert_ne!(set.secure(), Some(true));

        let https = RememberCookie {
            secure: true,
            max_age: 60,
        };
        let set = Cookie::parse(https.set(&token)).unwrap();
        assert_eq!(set.name(), "__Host-latchkey_remember");
        assert_eq!(set.secure(), Some(true));
        let cleared = Cookie::parse(plain.clear()).unwrap();
        assert_eq!(
            (cleared.value(), cleared.max_age()),
            ("", Some(Duration::ZERO))
        );
    }

    #[test]
    fn reads_its_own_cookie_among_others() {
        let plain = RememberCookie {
            secure: false,
            max_age: 60,
        };
        assert_eq!(
            plain.read("a=1; latchkey_remember=abc.def; b=2").as_deref(),
            Some("abc.def")
        );
        assert_eq!(plain.read("latchkey_session=x"), None);
        assert_eq!(plain.read("xlatchkey_remember=1"), None);
        assert!(plain.is_set_by(&plain.clear()));
        assert!(!plain.is_set_by("latchkey_session=1; Path=/"));
        assert!(!plain.is_set_by("latchkey_remember_other=1"));
    }

    #[test]
    fn debug_output_hides_the_validator() {
        let token = RememberToken::generate(None);
        assert!(!format!("{token:?}").contains(&token.validator));
    }
}
