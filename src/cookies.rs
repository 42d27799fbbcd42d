//! Every cookie Latchkey sets or reads, in one place and typed (the
//! `cookie` crate's [`Cookie`], as tower-sessions re-exports it): their
//! names, `__Host-` prefixed over HTTPS (browsers then insist on `Secure`,
//! `Path=/` and no `Domain`), how a lasting one is built, and how a
//! request's `Cookie` header is read. The session cookie itself is written
//! by tower-sessions' layer, under [`Jar::Session`]'s name.

use tower_sessions::cookie::time::Duration;
pub use tower_sessions::cookie::Cookie;
use tower_sessions::cookie::SameSite;

/// Latchkey's cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jar {
    /// The session's random id, and nothing else.
    Session,
    /// A device's remember-me token (selector and validator).
    Remember,
    /// The signed mark of a browser an account signed in from.
    KnownBrowser,
}

impl Jar {
    /// The cookie's name, served over HTTPS (`secure`) or not.
    pub const fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Jar::Session, false) => "latchkey_session",
            (Jar::Session, true) => "__Host-latchkey_session",
            (Jar::Remember, false) => "latchkey_remember",
            (Jar::Remember, true) => "__Host-latchkey_remember",
            (Jar::KnownBrowser, false) => "latchkey_browser",
            (Jar::KnownBrowser, true) => "__Host-latchkey_browser",
        }
    }

    /// A cookie of this jar kept `max_age` seconds across browser restarts
    /// (0 deletes it): site-wide, `HttpOnly`, `SameSite=Lax`, and `Secure`
    /// over HTTPS.
    pub(crate) fn lasting(self, value: String, max_age: i64, secure: bool) -> Cookie<'static> {
        Cookie::build((self.name(secure), value))
            .max_age(Duration::seconds(max_age))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .build()
    }

    /// Whether a `Set-Cookie` value sets this jar's cookie.
    pub(crate) fn is_set_by(self, set_cookie: &str, secure: bool) -> bool {
        Cookie::parse(set_cookie).is_ok_and(|cookie| cookie.name() == self.name(secure))
    }
}

/// The value of the cookie `name` in a request's `Cookie` header, if any.
pub fn read(cookie_header: &str, name: &str) -> Option<String> {
    Cookie::split_parse(cookie_header)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_every_name_has_the_host_prefix() {
        for jar in [Jar::Session, Jar::Remember, Jar::KnownBrowser] {
            let plain = jar.name(false);
            assert!(plain.starts_with("latchkey_"), "{plain}");
            assert_eq!(jar.name(true), format!("__Host-{plain}"));
        }
    }

    #[test]
    fn a_lasting_cookie_is_http_only_lax_and_secure_over_https() {
        let cookie = Jar::Remember.lasting("v".into(), 60, true);
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
        assert_eq!(cookie.max_age(), Some(Duration::seconds(60)));
    }

    #[test]
    fn a_header_is_read_by_exact_name() {
        let header = "a=1; xlatchkey_session=no; latchkey_session=yes";
        assert_eq!(read(header, "latchkey_session").as_deref(), Some("yes"));
        assert_eq!(read(header, "latchkey"), None);
    }
}
