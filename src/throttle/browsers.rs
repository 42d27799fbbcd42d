//! Known browsers: OWASP's "device cookies". A browser that has signed in to
//! an account gets a cookie, signed by the server, naming that account. Its
//! log-in attempts are then throttled on their own (per cookie), not with
//! everyone else's, so strangers who lock an account out by guessing do not
//! lock out its owner on a browser the owner has used before. A stolen
//! cookie gains a thief no more guesses than the account's own limit: it is
//! locked after the same failures as the account is.

use rand::RngCore;

use crate::cookies::{Cookie, Jar};
use crate::domain::UserId;
use crate::keys::Signer;
use crate::store::{Store, StoreError};

/// The name of the signing key in `latchkey_keys`.
const KEY_NAME: &str = "browser_cookie";

/// How long a browser stays known after its last sign-in: a year.
pub const KNOWN_FOR_SECONDS: i64 = 365 * 24 * 60 * 60;

/// A browser that signed in to `user` before, as its valid cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownBrowser {
    /// The account it signed in to.
    pub user: UserId,
    nonce: String,
}

impl KnownBrowser {
    /// The throttle key of this browser's attempts.
    pub fn throttle_key(&self) -> String {
        format!("browser:{}", self.nonce)
    }
}

/// Issues and checks known-browser cookies with a key every app server on
/// the database shares.
#[derive(Clone, Debug)]
pub struct KnownBrowsers {
    signer: Signer,
    secure: bool,
}

impl KnownBrowsers {
    /// With the database's signing key (made by the first server to start);
    /// `secure` when served over HTTPS (`Secure` and the `__Host-` prefix).
    pub async fn load(store: &Store, secure: bool) -> Result<Self, StoreError> {
        Ok(Self {
            signer: Signer::load(store, KEY_NAME).await?,
            secure,
        })
    }

    /// The cookie's name.
    pub fn name(&self) -> &'static str {
        Jar::KnownBrowser.name(self.secure)
    }

    /// The cookie that marks this browser as one `user` signed in from,
    /// with a fresh nonce (so its failures so far are left behind).
    pub fn issue(&self, user: UserId) -> Cookie<'static> {
        let mut nonce = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let body = format!("{}.{}", user.0, hex::encode(nonce));
        let value = format!("{body}.{}", self.signer.sign(&[&body]));
        Jar::KnownBrowser.lasting(value, KNOWN_FOR_SECONDS, self.secure)
    }

    /// The cookie that ends this browser's cookie (its account is gone).
    pub fn clear(&self) -> Cookie<'static> {
        Jar::KnownBrowser.lasting(String::new(), 0, self.secure)
    }

    /// The known browser a request's `Cookie` header names, if its cookie
    /// is one this server's key signed.
    pub fn recognise(&self, cookie_header: &str) -> Option<KnownBrowser> {
        let value = crate::cookies::read(cookie_header, self.name())?;
        let (body, signature) = value.rsplit_once('.')?;
        let (user, nonce) = body.split_once('.')?;
        // Constant time: a guesser learns nothing from how long a refusal took.
        if !self.signer.verify(&[body], signature) {
            return None;
        }
        Some(KnownBrowser {
            user: UserId(user.parse().ok()?),
            nonce: nonce.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn browsers(dir: &tempfile::TempDir) -> KnownBrowsers {
        let url = format!("sqlite://{}", dir.path().join("keys.db").display());
        let store = Store::connect(&url).await.unwrap();
        KnownBrowsers::load(&store, false).await.unwrap()
    }

    /// As the browser sends the cookie back: `name=value`.
    fn header(set: &Cookie<'_>) -> String {
        set.stripped().to_string()
    }

    #[tokio::test]
    async fn a_cookie_is_recognised_by_every_server_on_the_database_and_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (browsers(&dir).await, browsers(&dir).await);
        let set = one.issue(UserId(7));
        let line = set.to_string();
        assert!(
            line.contains("HttpOnly") && line.contains("SameSite=Lax"),
            "{line}"
        );
        let known = two
            .recognise(&format!("a=1; {}; b=2", header(&set)))
            .unwrap();
        assert_eq!(known.user, UserId(7));
        assert!(known.throttle_key().starts_with("browser:"));
        // Each issue is another browser.
        let again = one.recognise(&header(&one.issue(UserId(7)))).unwrap();
        assert_ne!(again.throttle_key(), known.throttle_key());

        let elsewhere = browsers(&tempfile::tempdir().unwrap()).await;
        assert_eq!(elsewhere.recognise(&header(&set)), None, "another key");
    }

    #[tokio::test]
    async fn a_forged_or_altered_cookie_is_a_stranger() {
        let dir = tempfile::tempdir().unwrap();
        let browsers = browsers(&dir).await;
        let cookie = header(&browsers.issue(UserId(7)));
        let (name, value) = cookie.split_once('=').unwrap();
        let (body, signature) = value.rsplit_once('.').unwrap();
        let (_, nonce) = body.split_once('.').unwrap();
        for forged in [
            format!("{name}={}", value.replacen("7.", "8.", 1)),
            format!("{name}=8.{nonce}.{signature}"),
            format!("{name}={body}.{}", "0".repeat(64)),
            format!("{name}={body}"),
            format!("{name}={body}.zz"),
            format!("{name}="),
            format!("{name}=..."),
            format!("xlatchkey_browser={value}"),
        ] {
            assert_eq!(browsers.recognise(&forged), None, "{forged}");
        }
    }
}
