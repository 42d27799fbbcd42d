//! Recovery codes: ten single-use codes shown once, for when the
//! authenticator is lost. Each has 50 random bits (ten base32 letters and
//! digits, `abcde-fghij`), fewer than the 112 a fast hash may store (ASVS
//! 5.0 6.5.2), so they are stored as argon2id (the password hasher's, keyed
//! with the pepper when one is set) under a random 128-bit salt of their
//! set: a guess costs one argon2id and is checked against every code of the
//! set at once. Codes made before stored SHA-256 under a 32-bit salt of
//! their own; those still work until used or renewed.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Codes per set.
pub const CODES: usize = 10;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Bytes of a set's salt.
pub const SALT_BYTES: usize = 16;
/// Bytes of the salt each code of the old scheme had.
const LEGACY_SALT_BYTES: usize = 4;

/// A code as stored: its salt and the hash of salt and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    /// The set's [`SALT_BYTES`] random bytes (4 of the code's own, before).
    pub salt: Vec<u8>,
    /// The argon2id of the normalised code under the salt (SHA-256, before).
    pub hash: Vec<u8>,
}

impl StoredCode {
    /// Whether this code was stored by the old scheme (SHA-256).
    pub fn is_legacy(&self) -> bool {
        self.salt.len() == LEGACY_SALT_BYTES
    }

    /// Whether `hash` (of a typed code under this salt) is this code's, in
    /// constant time.
    pub fn has_hash(&self, hash: &[u8]) -> bool {
        subtle::ConstantTimeEq::ct_eq(hash, &self.hash[..]).into()
    }

    /// The old scheme's hash of `typed` under this code's salt.
    pub fn legacy_hash(&self, typed: &str) -> Vec<u8> {
        let mut digest = Sha256::new();
        digest.update(&self.salt);
        digest.update(normalise(typed).as_bytes());
        digest.finalize().to_vec()
    }
}

/// A new set of codes, as shown to the user, and their set's salt; the
/// password hasher makes what is stored ([`crate::password::PasswordHasher::hash_recovery_codes`]).
pub fn generate() -> (Vec<String>, Vec<u8>) {
    let codes: Vec<String> = (0..CODES).map(|_| one()).collect();
    let mut salt = vec![0u8; SALT_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    (codes, salt)
}

fn one() -> String {
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let letters: String = bytes
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// Whether `typed` looks like a recovery code (rather than a TOTP code).
pub fn looks_like_code(typed: &str) -> bool {
    normalise(typed).len() == 10
}

/// A code as typed, as it is hashed: case, spaces and dashes do not matter.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_codes_under_one_fresh_salt() {
        let (codes, salt) = generate();
        assert_eq!(codes.len(), CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), CODES);
        assert_eq!(salt.len(), SALT_BYTES);
        assert_ne!(generate().1, salt, "a salt per set");
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert!(looks_like_code(code));
            assert_eq!(
                normalise(&code.to_uppercase().replace('-', " ")),
                normalise(code)
            );
        }
        assert!(!looks_like_code("123456"));
    }

    #[test]
    fn a_code_of_the_old_scheme_still_matches_however_it_is_typed() {
        let code = "abcde-fghij";
        let mut digest = Sha256::new();
        digest.update([1, 2, 3, 4]);
        digest.update(b"abcdefghij");
        let stored = StoredCode {
            salt: vec![1, 2, 3, 4],
            hash: digest.finalize().to_vec(),
        };
        assert!(stored.is_legacy());
        assert!(stored.has_hash(&stored.legacy_hash(code)));
        assert!(stored.has_hash(&stored.legacy_hash("ABCDE FGHIJ")));
        assert!(!stored.has_hash(&stored.legacy_hash("abcde-fghik")));
    }
}
