//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1,
//! six digits, 30-second steps, the parameters every authenticator app
//! accepts. A code is accepted for the current step and one step either side
//! (clock drift), and only for a step later than the last one used, so a
//! code cannot be replayed.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one.
pub const DRIFT_STEPS: i64 = 1;
/// Secret length: 160 bits, as RFC 4226 recommends for HMAC-SHA1.
pub const SECRET_BYTES: usize = 20;

/// A TOTP secret (the raw key an authenticator app holds).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// A new random secret.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret from its raw bytes (as decrypted from the store).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// A secret as [`Self::display`] writes it (spaces and case ignored).
    pub fn from_display(typed: &str) -> Option<Self> {
        let plain: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        data_encoding::BASE32_NOPAD
            .decode(plain.as_bytes())
            .ok()
            .map(Self)
    }

    /// The raw bytes (to encrypt for the store).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as authenticator apps take it typed: base32, no padding,
    /// in groups of four.
    pub fn display(&self) -> String {
        let plain = data_encoding::BASE32_NOPAD.encode(&self.0);
        plain
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `otpauth://` URI a QR code carries, for `account` at `issuer`.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let secret = data_encoding::BASE32_NOPAD.encode(&self.0);
        let label = format!("{}:{}", encode(issuer), encode(account));
        format!(
            "otpauth://totp/{label}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            encode(issuer)
        )
    }

    /// The code for `step` (HOTP of the step counter).
    pub fn code_at_step(&self, step: i64) -> u32 {
        // A key of any length is accepted by HMAC.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.0) else {
            return u32::MAX;
        };
        mac.update(&(step as u64).to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[digest.len() - 1] & 0x0f) as usize;
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        binary % 10u32.pow(DIGITS)
    }

    /// The step a code typed at `now` (Unix seconds) matches, within the
    /// drift window and after `last_step`; `None` if it matches none.
    /// Compares every candidate, so the time taken says nothing.
    pub(crate) fn matching_step(&self, typed: &str, now: i64, last_step: i64) -> Option<i64> {
        let code = parse_code(typed)?;
        let current = now.div_euclid(STEP_SECONDS);
        let mut found = None;
        for step in (current - DRIFT_STEPS)..=(current + DRIFT_STEPS) {
            let matches = subtle::ConstantTimeEq::ct_eq(
                &self.code_at_step(step).to_be_bytes()[..],
                &code.to_be_bytes()[..],
            );
            if bool::from(matches) && step > last_step && found.is_none() {
                found = Some(step);
            }
        }
        found
    }
}

/// Six digits, spaces allowed ("123 456").
pub fn parse_code(typed: &str) -> Option<u32> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows, cut to six digits.
    #[test]
    fn codes_match_rfc_6238s_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        for (time, eight_digits) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            let step = time / STEP_SECONDS;
            assert_eq!(
                secret.code_at_step(step),
                eight_digits % 1_000_000,
                "T = {time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_never_for_a_used_step() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_015;
        let step = now / STEP_SECONDS;
        let code = |s: i64| format!("{:06}", secret.code_at_step(s));
        assert_eq!(secret.matching_step(&code(step), now, 0), Some(step));
        assert_eq!(
            secret.matching_step(&code(step - 1), now, 0),
            Some(step - 1)
        );
        assert_eq!(
            secret.matching_step(&code(step + 1), now, 0),
            Some(step + 1)
        );
        assert_eq!(secret.matching_step(&code(step - 2), now, 0), None);
        assert_eq!(secret.matching_step(&code(step + 2), now, 0), None);
        // Replayed: the step was used.
        assert_eq!(secret.matching_step(&code(step), now, step), None);
        // An older code after a newer one was used.
        assert_eq!(secret.matching_step(&code(step - 1), now, step), None);
    }

    #[test]
    fn codes_are_six_digits_spaces_allowed() {
        assert_eq!(parse_code("123 456"), Some(123456));
        assert_eq!(parse_code("012345"), Some(12345));
        for bad in ["12345", "1234567", "12345a", "", "١٢٣٤٥٦"] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_uri_and_the_typed_secret_are_what_apps_expect() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(secret.display(), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(
            TotpSecret::from_display(&secret.display().to_lowercase()),
            Some(secret.clone())
        );
        assert_eq!(
            secret.uri("Latchkey", "ann lee"),
            "otpauth://totp/Latchkey:ann%20lee?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Latchkey&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{secret:?}"), "TotpSecret(..)");
    }
}
