//! Second factors: TOTP codes from an authenticator app, and recovery codes
//! for when it is lost. The pieces here are pure (no store, no session);
//! the use cases that enrol, check and remove them are in `auth::factors`.

mod qr;
pub mod recovery;
mod sealed;
pub mod totp;

pub use qr::qr_svg;
pub use sealed::SecretBox;
pub use totp::TotpSecret;
