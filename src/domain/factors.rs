use serde::{Deserialize, Serialize};

/// Where an account's authenticator-app sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpState {
    /// Not set up.
    Off,
    /// Set up but not yet confirmed by a first code: what to scan or type.
    Enrolling {
        /// The secret in groups of four, for typing into the app.
        secret: String,
        /// The same as a QR code (inline SVG, drawn on the server).
        qr_svg: String,
    },
    /// On: every sign-in asks for a code.
    On,
}

/// The signed-in user's second factors, for their security settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityStatus {
    /// The authenticator app.
    pub totp: TotpState,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Recovery codes made just now, shown this once.
    pub fresh_codes: Option<Vec<String>>,
    /// Whether this server can keep authenticator secrets
    /// (`LATCHKEY_SECRET_KEY`, or a development key).
    pub available: bool,
}
