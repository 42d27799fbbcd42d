//! Secrets kept encrypted at rest (TOTP keys): ChaCha20-Poly1305 under a key
//! from the configuration (`LATCHKEY_SECRET_KEY`), never from the database
//! it protects. Each sealed value carries its own random nonce and is bound
//! to a context (the account it belongs to), so a row copied onto another
//! account does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

const NONCE_BYTES: usize = 12;

/// Seals and opens secrets under one key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// A box under a 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        }
    }

    /// 32 random bytes, for a new key.
    fn random_key() -> [u8; 32] {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        key
    }

    /// A box under the key named `name` kept in the database, made by the
    /// first server that asks: for development only, where no key is
    /// configured (a key beside the secrets it seals protects nothing from
    /// whoever reads the database).
    pub async fn kept_in(
        store: &crate::store::Store,
        name: &str,
    ) -> Result<Self, crate::store::StoreError> {
        let key = store.db().secret(name, &Self::random_key()).await?;
        let key: [u8; 32] = key.try_into().map_err(|_| {
            crate::store::StoreError::Database(sqlx::Error::Decode(
                format!("the key {name} is not 32 bytes").into(),
            ))
        })?;
        Ok(Self::new(&key))
    }

    /// A box under the key written as 64 hex digits; `None` otherwise.
    pub fn from_hex(hex_key: &str) -> Option<Self> {
        let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
        Some(Self::new(&bytes))
    }

    /// `plain`, encrypted and bound to `context`: nonce, then ciphertext.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain,
            aad: context,
        };
        // Encryption fails only for messages of gigabytes.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// The plain text of `sealed`, if this key sealed it for `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: context,
        };
        self.cipher.decrypt(Nonce::from_slice(nonce), payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_context() {
        let key = SecretBox::new(&[7; 32]);
        let sealed = key.seal(b"the secret", b"user:1");
        assert!(!sealed.windows(10).any(|w| w == b"the secret"));
        assert_eq!(
            key.open(&sealed, b"user:1").as_deref(),
            Some(&b"the secret"[..])
        );
        assert_eq!(key.open(&sealed, b"user:2"), None, "bound to its account");
        assert_eq!(SecretBox::new(&[8; 32]).open(&sealed, b"user:1"), None);
        let mut tampered = sealed.clone();
        tampered[15] ^= 1;
        assert_eq!(key.open(&tampered, b"user:1"), None);
        assert_eq!(key.open(&sealed[..5], b"user:1"), None);
        assert_ne!(
            key.seal(b"the secret", b"user:1"),
            sealed,
            "a fresh nonce each time"
        );
    }

    #[test]
    fn a_key_is_written_as_64_hex_digits() {
        assert!(SecretBox::from_hex(&"ab".repeat(32)).is_some());
        assert!(SecretBox::from_hex(&"ab".repeat(31)).is_none());
        assert!(SecretBox::from_hex("not hex").is_none());
    }
}
