//! Signing with keys Latchkey makes for itself: HMAC-SHA256 under a secret
//! kept in the database (`latchkey_keys`), so that every app server on one
//! database signs and checks alike. Used for the known-browser cookie and
//! for the errors no-JavaScript forms carry in the URL.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::store::{Store, StoreError};

/// Signs and checks messages under one named key.
#[derive(Clone)]
pub struct Signer {
    key: Arc<[u8]>,
}

impl Signer {
    /// The key named `name`, made by the first server to ask for it.
    pub async fn load(store: &Store, name: &str) -> Result<Self, StoreError> {
        let mut candidate = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut candidate);
        let key = store.db().secret(name, &candidate).await?;
        Ok(Self { key: key.into() })
    }

    /// The signature of `parts`, in hex. Each part is length-prefixed, so
    /// no two lists of parts sign alike.
    pub fn sign(&self, parts: &[&str]) -> String {
        hex::encode(self.mac(parts).finalize().into_bytes())
    }

    /// Whether `signature` (hex) is `parts`' signature, compared in
    /// constant time.
    pub fn verify(&self, parts: &[&str], signature: &str) -> bool {
        hex::decode(signature).is_ok_and(|bytes| self.mac(parts).verify_slice(&bytes).is_ok())
    }

    fn mac(&self, parts: &[&str]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<key redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_key_per_name_shared_through_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("keys.db").display());
        let (a, b) = (
            Store::connect(&url).await.unwrap(),
            Store::connect(&url).await.unwrap(),
        );
        let (one, two) = (
            Signer::load(&a, "x").await.unwrap(),
            Signer::load(&b, "x").await.unwrap(),
        );
        let signature = one.sign(&["a", "bc"]);
        assert!(two.verify(&["a", "bc"], &signature));
        assert!(
            !two.verify(&["ab", "c"], &signature),
            "parts are length-prefixed"
        );
        assert!(!two.verify(&["a", "bd"], &signature));
        assert!(!two.verify(&["a", "bc"], "zz"));
        let other = Signer::load(&a, "y").await.unwrap();
        assert!(
            !other.verify(&["a", "bc"], &signature),
            "another name, another key"
        );
    }
}
