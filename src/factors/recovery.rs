//! Recovery codes: ten single-use codes shown once, for when the
//! authenticator is lost. Each has 50 random bits (ten base32 letters and
//! digits, `abcde-fghij`), fewer than ASVS 2.6.2's 112, so each is stored as
//! SHA-256 of a random 32-bit salt of its own and the code.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Codes per set.
pub const CODES: usize = 10;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A code as stored: its salt and the hash of salt and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    /// 4 random bytes.
    pub salt: Vec<u8>,
    /// SHA-256 of the salt and the normalised code.
    pub hash: Vec<u8>,
}

impl StoredCode {
    /// Whether `typed` is this code (in constant time).
    pub fn matches(&self, typed: &str) -> bool {
        subtle::ConstantTimeEq::ct_eq(&hash(&self.salt, typed)[..], &self.hash[..]).into()
    }
}

/// A new set of codes, as shown to the user, and as stored.
pub fn generate() -> (Vec<String>, Vec<StoredCode>) {
    let codes: Vec<String> = (0..CODES).map(|_| one()).collect();
    let stored = codes
        .iter()
        .map(|code| {
            let mut salt = vec![0u8; 4];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            let hash = hash(&salt, code);
            StoredCode { salt, hash }
        })
        .collect();
    (codes, stored)
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

/// The hash of a code as typed under `salt`: case, spaces and dashes do
/// not matter.
fn hash(salt: &[u8], typed: &str) -> Vec<u8> {
    let mut digest = Sha256::new();
    digest.update(salt);
    digest.update(normalise(typed).as_bytes());
    digest.finalize().to_vec()
}

fn normalise(typed: &str) -> String {
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
    fn ten_distinct_codes_that_match_however_they_are_typed() {
        let (codes, stored) = generate();
        assert_eq!(codes.len(), CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), CODES);
        for (code, stored) in codes.iter().zip(&stored) {
            assert_eq!(code.len(), 11);
            assert!(looks_like_code(code));
            assert!(stored.matches(code));
            assert!(stored.matches(&code.to_uppercase().replace('-', " ")));
            assert_eq!(stored.salt.len(), 4);
            assert_ne!(
                stored.hash,
                Sha256::digest(code.as_bytes()).to_vec(),
                "salted"
            );
        }
        assert!(!stored[0].matches(&codes[1]));
        assert!(!looks_like_code("123456"));
    }
}
