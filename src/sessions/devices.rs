//! The device list: where a user is signed in. (Signing devices out is a
//! use case of [`crate::auth::Auth`].)

use super::SignedInAs;
use crate::clock::Clock;
use crate::domain::{Device, DeviceId};
use crate::store::{DeviceRow, Store, StoreError};

/// The list of places each user is signed in.
#[derive(Clone, Debug)]
pub struct DeviceList {
    store: Store,
    clock: Clock,
}

impl DeviceList {
    /// The list in `store`, live as of `clock`.
    pub fn new(store: Store, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Every place `me.user` is signed in, this browser marked as current.
    pub async fn list(&self, me: SignedInAs) -> Result<Vec<Device>, StoreError> {
        let rows = self
            .store
            .db()
            .list_devices(me.user, self.clock.seconds())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| describe(row, me.device))
            .collect())
    }
}

fn describe(row: DeviceRow, current: DeviceId) -> Device {
    let (browser, os) = browser_and_os(&row.user_agent);
    Device {
        id: row.id,
        browser,
        os,
        ip: row.ip,
        signed_in_at: crate::domain::UnixTime::from_seconds(row.signed_in_at),
        last_active_at: crate::domain::UnixTime::from_seconds(row.last_active_at),
        signed_in_with: row.signed_in_with,
        remembered: row.remembered,
        ends_at: row.ends_at.map(crate::domain::UnixTime::from_seconds),
        current: row.id == current,
    }
}

/// "Chrome 131" and "Linux" from a User-Agent header; "Unknown" where it says nothing useful.
pub(super) fn browser_and_os(user_agent: &str) -> (String, String) {
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(ua) => {
            let major = ua.version.split('.').next().unwrap_or_default();
            let browser = match (known(ua.name), known(major)) {
                (true, true) => format!("{} {major}", ua.name),
                (true, false) => ua.name.to_string(),
                _ => "Unknown browser".to_string(),
            };
            let os = if known(ua.os) {
                ua.os.to_string()
            } else {
                "Unknown system".to_string()
            };
            (browser, os)
        }
        None => ("Unknown browser".to_string(), "Unknown system".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_browsers_and_systems() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(
            browser_and_os(chrome),
            ("Chrome 131".into(), "Linux".into())
        );
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        let (browser, os) = browser_and_os(firefox);
        assert_eq!(browser, "Firefox 133");
        assert!(os.starts_with("Windows"), "{os}");
    }

    #[test]
    fn says_unknown_rather_than_guessing() {
        assert_eq!(
            browser_and_os(""),
            ("Unknown browser".into(), "Unknown system".into())
        );
        assert_eq!(browser_and_os("curl/8.5.0").1, "Unknown system");
    }
}
