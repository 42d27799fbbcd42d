//! The optional pepper: argon2's secret key, and how a hash made with it is marked.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, Version};

use super::HashError;

/// The `keyid` a peppered hash carries in its PHC string.
pub(super) const PEPPER_KEY_ID: &[u8] = b"pepper";

/// Whether a hash with these parameters was made with the pepper.
pub(super) fn is_peppered(params: &Params) -> bool {
    params.keyid() == PEPPER_KEY_ID
}

/// A secret mixed into every hash as argon2's secret key (ASVS 2.4.5): kept
/// out of the database, so a stolen copy of the database alone cannot be
/// guessed against. Its bytes never reach a log.
#[derive(Clone)]
pub struct Pepper(Arc<[u8]>);

impl Pepper {
    /// Fewest bytes a pepper may have.
    pub const MIN_LEN: usize = 32;

    /// A pepper of at least [`Self::MIN_LEN`] bytes (argon2 takes up to 2^32).
    pub fn new(secret: &[u8]) -> Option<Self> {
        (secret.len() >= Self::MIN_LEN).then(|| Self(secret.into()))
    }

    /// argon2id with this pepper as its secret, for hashing and verifying alike.
    pub(super) fn argon2(&self, params: Params) -> Result<Argon2<'_>, HashError> {
        Argon2::new_with_secret(&self.0, Algorithm::Argon2id, Version::V0x13, params)
            .map_err(|e| HashError::Argon2(e.to_string()))
    }
}

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pepper(<redacted>)")
    }
}
