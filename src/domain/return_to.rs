use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a page sent the visitor to log in: said on the log-in page, in words
/// of ours (the address carries only a code: a word, and for the lifetimes a
/// whole number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginReason {
    /// The page needs someone signed in, and nobody was.
    Needed,
    /// This browser was signed in, and its session is over; the server no
    /// longer knows why (or the browser noticed by itself).
    Ended,
    /// The session went unused for its idle lifetime, this many minutes.
    Idle {
        /// `LATCHKEY_SESSION_IDLE_MINUTES`.
        minutes: i64,
    },
    /// The session reached its absolute lifetime, this many hours.
    TooOld {
        /// `LATCHKEY_SESSION_MAX_HOURS`.
        hours: i64,
    },
    /// This device was signed out from another one (the devices page, or a
    /// password change).
    SignedOutElsewhere,
}

/// The largest lifetime a code may name (a year of minutes); anything else
/// is not one of ours.
const MAX_CODE_NUMBER: i64 = 366 * 24 * 60;

impl LoginReason {
    /// The code in the log-in page's address.
    pub fn code(self) -> String {
        match self {
            LoginReason::Needed => "needed".into(),
            LoginReason::Ended => "ended".into(),
            LoginReason::Idle { minutes } => format!("idle-{minutes}"),
            LoginReason::TooOld { hours } => format!("old-{hours}"),
            LoginReason::SignedOutElsewhere => "elsewhere".into(),
        }
    }

    /// The reason a code names; `None` for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        let number = |digits: &str| {
            digits
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_CODE_NUMBER).contains(n) && !digits.starts_with(['+', '0']))
        };
        match code {
            "needed" => Some(LoginReason::Needed),
            "ended" => Some(LoginReason::Ended),
            "elsewhere" => Some(LoginReason::SignedOutElsewhere),
            _ => {
                if let Some(minutes) = code.strip_prefix("idle-").and_then(number) {
                    Some(LoginReason::Idle { minutes })
                } else {
                    code.strip_prefix("old-")
                        .and_then(number)
                        .map(|hours| LoginReason::TooOld { hours })
                }
            }
        }
    }

    /// What the log-in page says.
    pub fn message(self) -> String {
        match self {
            LoginReason::Needed => "Please log in to see that page.".into(),
            LoginReason::Ended => {
                "Your session has ended: it was unused for a while, it was signed \
                                   in for many hours, or this device was signed out from another \
                                   one. Please log in again."
                    .into()
            }
            LoginReason::Idle { minutes } => format!(
                "Your session ended after {} without activity. Please log in again.",
                super::plural(minutes.unsigned_abs(), "minute")
            ),
            LoginReason::TooOld { hours } => format!(
                "Your session ended: it was signed in for {}, the longest a session lasts. \
                 Please log in again.",
                super::plural(hours.unsigned_abs(), "hour")
            ),
            LoginReason::SignedOutElsewhere => {
                "This device was signed out from another device. Please log in again.".into()
            }
        }
    }
}

/// A safe place to send the user after log-in: a path on this site, never
/// another host. Anything doubtful becomes `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnTo(String);

impl ReturnTo {
    /// Longest return-to address accepted.
    pub const MAX_LEN: usize = 2048;

    /// Accepts only a local path such as `/x?y=1`.
    ///
    /// Refused: anything not starting with a single `/` (`//host`, `https:`,
    /// `javascript:`), any backslash (browsers read `/\host` as `//host`), and any
    /// whitespace or control character (browsers strip tabs and newlines, turning
    /// `/\t/host` into `//host`).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut chars = raw.chars();
        let starts_local = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
        let clean = !raw
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
        (starts_local && clean && raw.len() <= Self::MAX_LEN).then(|| Self(raw.to_string()))
    }

    /// The parsed address, or the home page when it is absent or unsafe.
    pub fn or_home(raw: Option<&str>) -> Self {
        raw.and_then(Self::parse).unwrap_or_else(Self::home)
    }

    /// The home page.
    pub fn home() -> Self {
        Self("/".to_string())
    }

    /// The path itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The log-in page's address that comes back here afterwards.
    pub fn login_url(&self) -> String {
        self.via("/login")
    }

    /// The log-in page's address that says why it was shown and comes back
    /// here afterwards.
    pub fn login_url_because(&self, reason: LoginReason) -> String {
        let url = self.login_url();
        let joint = if url.contains('?') { '&' } else { '?' };
        format!("{url}{joint}why={}", reason.code())
    }

    /// The password-confirmation ("sudo mode") page's address that comes back
    /// here afterwards.
    pub fn confirm_url(&self) -> String {
        self.via("/settings/confirm")
    }

    /// The second-factor step's address that comes back here afterwards.
    pub fn factor_url(&self) -> String {
        self.via("/login/factor")
    }

    /// `page`, with a `next` that leads back here.
    fn via(&self, page: &str) -> String {
        if self.0 == "/" {
            return page.to_string();
        }
        format!("{page}?next={}", encode_query_value(&self.0))
    }
}

impl fmt::Display for ReturnTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `/`.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_local_paths_with_queries_and_fragments() {
        for ok in [
            "/",
            "/settings/profile",
            "/users/bob?tab=1",
            "/a#b",
            "/a/b/../c",
        ] {
            assert_eq!(
                ReturnTo::parse(ok).map(|r| r.to_string()),
                Some(ok.to_string())
            );
        }
    }

    #[test]
    fn refuses_other_hosts_and_schemes() {
        for bad in [
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "data:text/html,hi",
        ] {
            assert_eq!(ReturnTo::parse(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn refuses_backslash_and_whitespace_tricks() {
        for bad in [
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            " /settings",
            "/a b",
            "/a\u{0}b",
            "/\u{2028}x",
        ] {
            assert_eq!(ReturnTo::parse(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn refuses_absurdly_long_addresses() {
        assert!(ReturnTo::parse(&format!("/{}", "a".repeat(2047))).is_some());
        assert!(ReturnTo::parse(&format!("/{}", "a".repeat(2048))).is_none());
    }

    #[test]
    fn falls_back_to_home() {
        assert_eq!(ReturnTo::or_home(None).as_str(), "/");
        assert_eq!(ReturnTo::or_home(Some("//evil")).as_str(), "/");
        assert_eq!(ReturnTo::or_home(Some("/me")).as_str(), "/me");
    }

    #[test]
    fn builds_a_login_url_that_comes_back() {
        let back = ReturnTo::parse("/settings/profile?x=1&y=2").unwrap();
        assert_eq!(
            back.login_url(),
            "/login?next=/settings/profile%3Fx%3D1%26y%3D2"
        );
        assert_eq!(ReturnTo::home().login_url(), "/login");
    }

    #[test]
    fn builds_a_confirm_url_that_comes_back() {
        let back = ReturnTo::parse("/settings/username").unwrap();
        assert_eq!(
            back.confirm_url(),
            "/settings/confirm?next=/settings/username"
        );
    }

    #[test]
    fn the_login_address_carries_a_reason_code_and_only_ours_are_read() {
        let here = ReturnTo::parse("/settings/profile?tab=bio").unwrap();
        assert_eq!(
            here.login_url_because(LoginReason::Ended),
            "/login?next=/settings/profile%3Ftab%3Dbio&why=ended"
        );
        assert_eq!(
            ReturnTo::home().login_url_because(LoginReason::Needed),
            "/login?why=needed"
        );
        assert_eq!(LoginReason::parse("ended"), Some(LoginReason::Ended));
        assert_eq!(LoginReason::parse("Your account is suspended"), None);
        for reason in [
            LoginReason::Needed,
            LoginReason::Ended,
            LoginReason::Idle { minutes: 30 },
            LoginReason::TooOld { hours: 1 },
            LoginReason::SignedOutElsewhere,
        ] {
            assert_eq!(LoginReason::parse(&reason.code()), Some(reason));
        }
        for forged in [
            "idle-0",
            "idle--5",
            "idle-+5",
            "idle-007",
            "old-99999999",
            "idle-",
            "old-1x",
        ] {
            assert_eq!(LoginReason::parse(forged), None, "{forged}");
        }
    }

    #[test]
    fn each_reason_says_what_happened_with_its_numbers() {
        assert_eq!(
            LoginReason::Idle { minutes: 30 }.message(),
            "Your session ended after 30 minutes without activity. Please log in again."
        );
        assert!(LoginReason::TooOld { hours: 1 }
            .message()
            .contains("signed in for 1 hour,"));
        assert!(LoginReason::SignedOutElsewhere
            .message()
            .starts_with("This device was signed out from another device."));
    }
}
