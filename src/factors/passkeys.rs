//! Passkeys (WebAuthn) through webauthn-rs: the relying party this server
//! is, the state of a ceremony under way, and the JSON the browser gets.
//! Pure: no store, no session; the use cases are in `auth::passkeys`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PasskeyRegistration, RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder,
};

pub use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

use webauthn_rs_proto::ResidentKeyRequirement;

use crate::domain::UserId;

/// How long a ceremony's challenge can be answered, in seconds (webauthn-rs
/// asks the browser to give up after five minutes).
pub const CEREMONY_SECONDS: i64 = 5 * 60;

/// This server as a WebAuthn relying party: passkeys made here work on its
/// origin's host name and no other.
#[derive(Clone)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty").finish_non_exhaustive()
    }
}

impl RelyingParty {
    /// The relying party of the site at `origin` (`https://login.example.com`).
    /// Browsers refuse passkeys for an IP address, so an origin without a
    /// host name is refused, and said why.
    pub fn new(origin: &str) -> Result<Self, String> {
        let url = Url::parse(origin).map_err(|e| format!("{origin} is not an origin: {e}"))?;
        let host = url.domain().ok_or_else(|| {
            format!("passkeys need a host name, and {origin} has an IP address (try http://localhost:PORT)")
        })?;
        let webauthn = WebauthnBuilder::new(host, &url)
            .and_then(|b| b.rp_name("Latchkey").build())
            .map_err(|e| format!("passkeys cannot work on {origin}: {e}"))?;
        Ok(Self {
            webauthn: Arc::new(webauthn),
        })
    }

    /// The webauthn-rs relying party.
    pub fn webauthn(&self) -> &Webauthn {
        &self.webauthn
    }
}

/// What a ceremony under way is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// Adding a passkey to a signed-in account.
    Register,
    /// Signing in with a passkey alone (the browser names the account).
    SignIn,
    /// A sign-in's second step, after the password or a mailed link.
    Factor,
    /// Sudo mode.
    Sudo,
}

/// webauthn-rs's half of a ceremony, kept on the server until the browser
/// answers.
#[derive(Serialize, Deserialize)]
pub enum CeremonyState {
    /// A new passkey's registration.
    Register(PasskeyRegistration),
    /// An authentication with one of a known account's passkeys.
    Authenticate(PasskeyAuthentication),
    /// An authentication with whichever passkey the browser offers.
    Discover(DiscoverableAuthentication),
}

/// A ceremony under way, as the session keeps it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Ceremony {
    /// What it is for.
    pub purpose: Purpose,
    /// The account it is for; `None` while the passkey is to name it.
    pub user: Option<UserId>,
    /// When it began.
    pub started: i64,
    /// The challenge the browser signs: spent once answered.
    pub challenge: Vec<u8>,
    /// webauthn-rs's state.
    pub state: CeremonyState,
}

impl Ceremony {
    /// Whether its challenge can still be answered at `now`.
    pub(crate) fn is_live(&self, now: i64) -> bool {
        (0..CEREMONY_SECONDS).contains(&(now - self.started))
    }
}

/// The options for `navigator.credentials.create()`, as the browser's
/// `PublicKeyCredential.parseCreationOptionsFromJSON` reads them. The
/// passkey must be discoverable, so that it can sign in without a username.
pub fn creation_json(mut options: CreationChallengeResponse) -> (String, Vec<u8>) {
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
    }
    let challenge = options.public_key.challenge.to_vec();
    (browser_json(&options.public_key), challenge)
}

/// The options for `navigator.credentials.get()`, for
/// `PublicKeyCredential.parseRequestOptionsFromJSON`.
pub fn request_json(options: RequestChallengeResponse) -> (String, Vec<u8>) {
    let challenge = options.public_key.challenge.to_vec();
    (browser_json(&options.public_key), challenge)
}

/// `value` as JSON without its nulls: the browser's parser takes a missing
/// member for "none" but refuses a null one.
fn browser_json(value: &impl Serialize) -> String {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).unwrap_or_default();
    strip(&mut json);
    json.to_string()
}

/// A new WebAuthn user handle: random, so it says nothing of the account.
pub fn new_handle() -> Vec<u8> {
    Uuid::new_v4().as_bytes().to_vec()
}

/// The handle as webauthn-rs wants it (16 bytes).
pub fn handle_uuid(handle: &[u8]) -> Option<Uuid> {
    Uuid::from_slice(handle).ok()
}

/// A stored passkey, read back.
pub fn parse_passkey(json: &str) -> Option<Passkey> {
    serde_json::from_str(json).ok()
}

/// A passkey as stored.
pub fn passkey_json(passkey: &Passkey) -> String {
    serde_json::to_string(passkey).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_address_cannot_be_a_relying_party_and_a_host_name_can() {
        let refused = RelyingParty::new("http://127.0.0.1:3000").unwrap_err();
        assert!(refused.contains("host name"), "{refused}");
        assert!(RelyingParty::new("http://localhost:3000").is_ok());
        assert!(RelyingParty::new("https://login.example.com").is_ok());
        assert!(RelyingParty::new("not a url").is_err());
    }

    #[test]
    fn registration_options_ask_for_a_discoverable_passkey_and_carry_no_nulls() {
        let rp = RelyingParty::new("https://login.example.com").unwrap();
        let handle = handle_uuid(&new_handle()).unwrap();
        let (options, _) = rp
            .webauthn()
            .start_passkey_registration(handle, "ada", "ada", None)
            .unwrap();
        let (json, challenge) = creation_json(options);
        assert!(!json.contains("null"), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(
            value["authenticatorSelection"]["userVerification"],
            "required"
        );
        assert_eq!(value["rp"]["id"], "login.example.com");
        assert_eq!(challenge.len(), 32);
    }

    #[test]
    fn a_ceremony_lasts_five_minutes() {
        let rp = RelyingParty::new("http://localhost:3000").unwrap();
        let (options, state) = rp.webauthn().start_discoverable_authentication().unwrap();
        let (_, challenge) = request_json(options);
        let ceremony = Ceremony {
            purpose: Purpose::SignIn,
            user: None,
            started: 1_000,
            challenge,
            state: CeremonyState::Discover(state),
        };
        assert!(ceremony.is_live(1_000 + CEREMONY_SECONDS - 1));
        assert!(!ceremony.is_live(1_000 + CEREMONY_SECONDS));
        assert!(!ceremony.is_live(999));
    }
}
