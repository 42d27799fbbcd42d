//! Second factors: TOTP codes from an authenticator app, passkeys, and
//! recovery codes for when they are lost. The pieces here are pure (no store, no session);
//! the use cases that enrol, check and remove them are in `auth::factors`.

pub mod passkeys;
mod qr;
pub mod recovery;
mod sealed;
pub mod totp;

pub use passkeys::RelyingParty;
pub use qr::qr_svg;
pub use sealed::SecretBox;
pub use totp::TotpSecret;
