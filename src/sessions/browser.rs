//! [`BrowserSession`]: one browser's server-side session, as the use cases
//! see it. The session layer (tower-sessions, over [`super::SessionTable`])
//! loads it; the adapters hand it to the core as this type, so no use case
//! names the session crate, and only the core reads or writes what it keeps
//! there (who is signed in, a pending sign-in, a passkey ceremony, flashes).

use serde::de::DeserializeOwned;
use serde::Serialize;
use tower_sessions::session::Error;
use tower_sessions::{Expiry, Session};

/// This browser's session, from the session layer.
#[derive(Debug, Clone)]
pub struct BrowserSession(Session);

impl From<Session> for BrowserSession {
    fn from(session: Session) -> Self {
        Self(session)
    }
}

impl BrowserSession {
    pub(crate) async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        self.0.get(key).await
    }

    pub(crate) async fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), Error> {
        self.0.insert(key, value).await
    }

    pub(crate) async fn get_value(&self, key: &str) -> Result<Option<serde_json::Value>, Error> {
        self.0.get_value(key).await
    }

    pub(crate) async fn remove<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        self.0.remove(key).await
    }

    pub(crate) async fn remove_value(&self, key: &str) -> Result<(), Error> {
        self.0.remove_value(key).await.map(drop)
    }

    /// A new id for the same data: after any change of privilege.
    pub(crate) async fn cycle_id(&self) -> Result<(), Error> {
        self.0.cycle_id().await
    }

    /// Ends it: its data and its row go.
    pub(crate) async fn flush(&self) -> Result<(), Error> {
        self.0.flush().await
    }

    /// Writes it now (the layer otherwise writes it as the response leaves).
    pub(crate) async fn save(&self) -> Result<(), Error> {
        self.0.save().await
    }

    pub(crate) fn set_expiry(&self, expiry: Option<Expiry>) {
        self.0.set_expiry(expiry);
    }

    /// Its id, once it has one.
    #[cfg(test)]
    pub(crate) fn id(&self) -> Option<tower_sessions::session::Id> {
        self.0.id()
    }
}
