//! Extractors for a host's handlers, inside [`Kit::around`]: the kit
//! itself, the signed-in user, the client, and the known browser.

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::{Kit, Refusal};
use crate::auth::Me;
use crate::sessions::{BrowserSession, ClientInfo};
use crate::throttle::KnownBrowser;

/// The kit, from a request inside [`Kit::around`].
fn kit_of(parts: &Parts) -> Result<Kit, Refusal> {
    parts.extensions.get::<Kit>().cloned().ok_or_else(|| {
        tracing::error!("a Latchkey extractor ran outside Kit::around");
        Refusal::NotSetUp
    })
}

/// The session of a request inside [`Kit::around`].
pub(super) fn session_of(parts: &Parts) -> Result<BrowserSession, Refusal> {
    let session = parts.extensions.get::<tower_sessions::Session>().cloned();
    session.map(BrowserSession::from).ok_or_else(|| {
        tracing::error!("a Latchkey extractor ran outside the session layer");
        Refusal::NotSetUp
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Kit {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        kit_of(parts)
    }
}

/// The signed-in user and their device; a request without one is answered
/// [`Refusal::NotSignedIn`] (401). The session's user is loaded once per
/// request, however many extractors and use cases ask.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Me);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        let kit = kit_of(parts)?;
        let session = session_of(parts)?;
        let me = kit.auth().current_user(&session).await?;
        me.map(SignedIn).ok_or(Refusal::NotSignedIn)
    }
}

/// The browser and address a request comes from, for the device list and
/// the activity log.
#[derive(Debug, Clone)]
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(super::client_of(&parts.headers, &parts.extensions)))
    }
}

/// The account this browser's known-browser cookie names, if the cookie is
/// one this server signed: what a sign-in takes to keep this browser out of
/// lockouts strangers cause.
#[derive(Debug, Clone)]
pub struct Browser(pub Option<KnownBrowser>);

impl<S: Send + Sync> FromRequestParts<S> for Browser {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        let kit = kit_of(parts)?;
        let known = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|header| kit.auth().recognise_browser(Some(header)));
        Ok(Browser(known))
    }
}
