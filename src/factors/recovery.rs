//! Recovery codes: ten single-use codes shown once, for when the
//! authenticator is lost. Each has 50 random bits (ten base32 letters and
//! digits, `abcde-fghij`), so a plain SHA-256 is enough to store it: there
//! is nothing to guess from the hash.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Codes per set.
pub const CODES: usize = 10;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A new set of codes, as shown to the user, and their hashes.
pub fn generate() -> (Vec<String>, Vec<Vec<u8>>) {
    let codes: Vec<String> = (0..CODES).map(|_| one()).collect();
    let hashes = codes.iter().map(|c| hash(c)).collect();
    (codes, hashes)
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

/// The hash of a code as typed: case, spaces and dashes do not matter.
pub fn hash(typed: &str) -> Vec<u8> {
    Sha256::digest(normalise(typed).as_bytes()).to_vec()
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
        let (codes, hashes) = generate();
        assert_eq!(codes.len(), CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), CODES);
        for (code, stored) in codes.iter().zip(&hashes) {
            assert_eq!(code.len(), 11);
            assert!(looks_like_code(code));
            assert_eq!(&hash(code), stored);
            assert_eq!(&hash(&code.to_uppercase().replace('-', " ")), stored);
        }
        assert!(!looks_like_code("123456"));
    }
}
