//! argon2id password hashing, off the async executor and with bounded concurrency.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, KeyId, Params, ParamsBuilder, Version};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use crate::domain::{NewPassword, PasswordAttempt};

mod pepper;

pub use pepper::Pepper;
use pepper::{is_peppered, PEPPER_KEY_ID};

/// The associated data of a hash made of a normalised password
/// ([`crate::domain::normalize`]): it marks the hash, and is mixed into it.
const NORMALIZED: &[u8] = b"nfkc";

/// Whether a hash with these parameters is of a normalised password.
fn is_normalized(params: &Params) -> bool {
    params.data() == NORMALIZED
}

/// argon2id cost parameters, OWASP's minimum by default (m=19 MiB, t=2, p=1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self::OWASP_MINIMUM
    }
}

impl HashCost {
    /// OWASP's minimum recommendation for argon2id.
    pub const OWASP_MINIMUM: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    fn params(self, peppered: bool) -> Result<Params, HashError> {
        let mut builder = ParamsBuilder::new();
        builder
            .m_cost(self.memory_kib)
            .t_cost(self.iterations)
            .p_cost(self.parallelism)
            .data(
                argon2::AssociatedData::new(NORMALIZED)
                    .map_err(|e| HashError::Params(e.to_string()))?,
            );
        if peppered {
            // The hash records that it needs the pepper (never the pepper).
            let keyid = KeyId::new(PEPPER_KEY_ID).map_err(|e| HashError::Params(e.to_string()))?;
            builder.keyid(keyid);
        }
        builder
            .build()
            .map_err(|e| HashError::Params(e.to_string()))
    }

    fn is_met_by(self, hash: &PasswordHash<'_>, peppered: bool) -> bool {
        let Ok(params) = Params::try_from(hash) else {
            return false;
        };
        hash.algorithm == argon2::ARGON2ID_IDENT
            && params.m_cost() >= self.memory_kib
            && params.t_cost() >= self.iterations
            && params.p_cost() >= self.parallelism
            && is_peppered(&params) == peppered
            && is_normalized(&params)
    }
}

/// Why hashing failed: only ever an internal fault.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The configured parameters are not valid argon2 parameters.
    #[error("invalid argon2 parameters: {0}")]
    Params(String),
    /// argon2 itself failed.
    #[error("argon2 failed: {0}")]
    Argon2(String),
    /// The blocking task could not run to completion.
    #[error("hashing task failed: {0}")]
    Task(String),
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password is right; `needs_rehash` when the stored hash is weaker than configured.
    Match { needs_rehash: bool },
    /// The password is wrong (or there was no account to check against).
    Mismatch,
}

/// Hashes and verifies passwords on tokio's blocking pool, at most `max_concurrent`
/// at a time so a login flood never takes every blocking thread or all memory.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: HashCost,
    pepper: Option<Pepper>,
    permits: Arc<Semaphore>,
    // Verified against when the account does not exist, so that an unknown user
    // costs the same work as a wrong password.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    /// Builds a hasher; computes its dummy hash once, so call it at start-up.
    pub fn new(cost: HashCost, max_concurrent: usize) -> Result<Self, HashError> {
        Self::with_pepper(cost, max_concurrent, None)
    }

    /// Builds a hasher whose new hashes mix in `pepper`. Hashes made before a
    /// pepper was configured still verify, and are redone with it at the
    /// user's next log-in.
    pub fn with_pepper(
        cost: HashCost,
        max_concurrent: usize,
        pepper: Option<Pepper>,
    ) -> Result<Self, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        let dummy = hash_with(cost, pepper.as_ref(), "latchkey-dummy-password", &salt)?;
        Ok(Self {
            cost,
            pepper,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: dummy.into(),
        })
    }

    /// The parameters new hashes get.
    pub fn cost(&self) -> HashCost {
        self.cost
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: &NewPassword) -> Result<String, HashError> {
        self.hash_secret(password.expose()).await
    }

    /// Hashes a verified log-in attempt again at the configured cost, to upgrade
    /// a stored hash made with weaker parameters.
    pub async fn rehash(&self, attempt: &PasswordAttempt) -> Result<String, HashError> {
        self.hash_secret(attempt.expose()).await
    }

    async fn hash_secret(&self, secret: &str) -> Result<String, HashError> {
        let (cost, pepper) = (self.cost, self.pepper.clone());
        let secret = secret.to_string();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            hash_with(cost, pepper.as_ref(), &secret, &salt)
        })
        .await
    }

    /// Verifies an attempt against a stored hash, or against the dummy hash when
    /// there is no account, so both cost the same. A hash made before
    /// passwords were normalised is checked against the attempt as typed and,
    /// when that differs, normalised; a match asks for a rehash, which is of
    /// the normalised form.
    pub async fn verify(
        &self,
        attempt: &PasswordAttempt,
        stored: Option<&str>,
    ) -> Result<Verification, HashError> {
        let (cost, pepper) = (self.cost, self.pepper.clone());
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_string);
        let normalized = attempt.expose().to_string();
        let typed = attempt.expose_as_typed().to_string();
        self.run(move || {
            let parsed = PasswordHash::new(&hash).map_err(|e| HashError::Argon2(e.to_string()))?;
            let params = Params::try_from(&parsed).map_err(|e| HashError::Argon2(e.to_string()))?;
            let forms = if is_normalized(&params) || typed == normalized {
                vec![normalized]
            } else {
                vec![typed, normalized]
            };
            let argon = match (&pepper, is_peppered(&params)) {
                (_, false) => Argon2::default(),
                (Some(pepper), true) => pepper.argon2(params)?,
                // A peppered hash, and no pepper to check it with.
                (None, true) => {
                    return Err(HashError::Params(
                        "a stored hash needs the pepper, and none is configured".into(),
                    ))
                }
            };
            for secret in forms {
                match argon.verify_password(secret.as_bytes(), &parsed) {
                    Ok(()) if known => {
                        return Ok(Verification::Match {
                            needs_rehash: !cost.is_met_by(&parsed, pepper.is_some()),
                        })
                    }
                    Ok(()) | Err(argon2::password_hash::Error::Password) => {}
                    Err(e) => return Err(HashError::Argon2(e.to_string())),
                }
            }
            Ok(Verification::Mismatch)
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| HashError::Task(e.to_string()))?
    }
}

fn hash_with(
    cost: HashCost,
    pepper: Option<&Pepper>,
    secret: &str,
    salt: &SaltString,
) -> Result<String, HashError> {
    let params = cost.params(pepper.is_some())?;
    let argon = match pepper {
        Some(pepper) => pepper.argon2(params)?,
        None => Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
    };
    argon
        .hash_password(secret.as_bytes(), salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon2(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(cost: HashCost) -> PasswordHasher {
        PasswordHasher::new(cost, 2).unwrap()
    }

    fn new_password(s: &str) -> NewPassword {
        NewPassword::parse(s).unwrap()
    }

    fn attempt(s: &str) -> PasswordAttempt {
        PasswordAttempt::parse(s).unwrap()
    }

    #[tokio::test]
    async fn hashes_with_argon2id_at_the_owasp_minimum() {
        let h = hasher(HashCost::default());
        let hash = h
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1,data=bmZrYw$"),
            "{hash}"
        );
    }

    /// ASVS 2.4.2: each hash has its own salt of at least 32 bits (here 128).
    #[tokio::test]
    async fn every_hash_has_its_own_salt_of_sixteen_bytes() {
        let h = hasher(HashCost::default());
        let password = new_password("correct horse battery");
        let (a, b) = (
            h.hash(&password).await.unwrap(),
            h.hash(&password).await.unwrap(),
        );
        let salt = |hash: &str| PasswordHash::new(hash).unwrap().salt.unwrap().to_string();
        assert_ne!(salt(&a), salt(&b), "the same password, two salts");
        let mut bytes = [0u8; 64];
        let len = PasswordHash::new(&a)
            .unwrap()
            .salt
            .unwrap()
            .decode_b64(&mut bytes)
            .unwrap()
            .len();
        assert_eq!(len, 16);
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn verifies_the_right_password_and_refuses_a_wrong_one() {
        let h = hasher(HashCost::default());
        let hash = h
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        assert_eq!(
            h.verify(&attempt("correct horse battery"), Some(&hash))
                .await
                .unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
        assert_eq!(
            h.verify(&attempt("correct horse batterY"), Some(&hash))
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    /// ASVS 2.1.3: the whole password is hashed. bcrypt, say, would keep
    /// only 72 bytes, and these two would match.
    #[tokio::test]
    async fn every_character_counts_up_to_the_last_of_a_long_password() {
        let h = hasher(HashCost::default());
        let long = format!("{}a", "🦀 passphrase ".repeat(9));
        let hash = h.hash(&new_password(&long)).await.unwrap();
        let last_changed = format!("{}b", "🦀 passphrase ".repeat(9));
        assert_eq!(
            h.verify(&attempt(&last_changed), Some(&hash))
                .await
                .unwrap(),
            Verification::Mismatch
        );
        let space_dropped = long.trim_start_matches('🦀').to_string();
        assert_eq!(
            h.verify(&attempt(&space_dropped), Some(&hash))
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches_not_even_the_dummy_password() {
        let h = hasher(HashCost::default());
        assert_eq!(
            h.verify(&attempt("latchkey-dummy-password"), None)
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    fn pepper(byte: u8) -> Option<Pepper> {
        Pepper::new(&[byte; 32])
    }

    #[tokio::test]
    async fn a_peppered_hash_needs_the_pepper_to_verify() {
        let peppered = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(7)).unwrap();
        let hash = peppered
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        assert!(hash.contains(",keyid="), "{hash}");
        assert!(!hash.contains(&hex::encode([7u8; 32])));
        assert_eq!(
            peppered
                .verify(&attempt("correct horse battery"), Some(&hash))
                .await
                .unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
        // The database alone (or a wrong pepper) cannot check a guess.
        let other = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(8)).unwrap();
        assert_eq!(
            other
                .verify(&attempt("correct horse battery"), Some(&hash))
                .await
                .unwrap(),
            Verification::Mismatch
        );
        assert!(hasher(HashCost::default())
            .verify(&attempt("correct horse battery"), Some(&hash))
            .await
            .is_err());
    }

    #[tokio::test]
    async fn hashes_from_before_the_pepper_still_verify_and_ask_for_it() {
        let old = hasher(HashCost::default())
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        let peppered = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(7)).unwrap();
        assert_eq!(
            peppered
                .verify(&attempt("correct horse battery"), Some(&old))
                .await
                .unwrap(),
            Verification::Match { needs_rehash: true }
        );
        assert_eq!(
            peppered
                .verify(&attempt("wrong horse battery"), Some(&old))
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    /// A hash as made before passwords were normalised: of the text as
    /// typed, without the mark.
    fn legacy_hash(password: &str) -> String {
        let params = ParamsBuilder::new()
            .m_cost(19 * 1024)
            .t_cost(2)
            .p_cost(1)
            .build()
            .unwrap();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string()
    }

    const COMPOSED: &str = "Cr\u{e8}me br\u{fb}l\u{e9}e au caramel";
    const DECOMPOSED: &str = "Cre\u{300}me bru\u{302}le\u{301}e au caramel";

    #[tokio::test]
    async fn composed_and_decomposed_forms_are_one_password() {
        let h = hasher(HashCost::default());
        let hash = h.hash(&new_password(COMPOSED)).await.unwrap();
        assert!(hash.contains(",data="), "marked as normalised: {hash}");
        let matched = Verification::Match {
            needs_rehash: false,
        };
        assert_eq!(
            h.verify(&attempt(DECOMPOSED), Some(&hash)).await.unwrap(),
            matched
        );
        let hash = h.hash(&new_password(DECOMPOSED)).await.unwrap();
        assert_eq!(
            h.verify(&attempt(COMPOSED), Some(&hash)).await.unwrap(),
            matched
        );
        // Full-width letters and a no-break space fold too (NFKC).
        let hash = h
            .hash(&new_password("ｃｏｒｒｅｃｔ\u{a0}horse battery"))
            .await
            .unwrap();
        assert_eq!(
            h.verify(&attempt("correct horse battery"), Some(&hash))
                .await
                .unwrap(),
            matched
        );
        assert_eq!(
            h.verify(&attempt("Creme brulee au caramel"), Some(&hash))
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn hashes_from_before_normalisation_verify_either_form_and_ask_for_a_rehash() {
        let h = hasher(HashCost::default());
        let rehash = Verification::Match { needs_rehash: true };
        // Registered decomposed, as typed: that still works, and so does the
        // composed form, which normalising the attempt reaches.
        let old = legacy_hash(DECOMPOSED);
        assert_eq!(
            h.verify(&attempt(DECOMPOSED), Some(&old)).await.unwrap(),
            rehash
        );
        // Registered composed (already normal): typed decomposed now works.
        let old = legacy_hash(COMPOSED);
        assert_eq!(
            h.verify(&attempt(DECOMPOSED), Some(&old)).await.unwrap(),
            rehash
        );
        assert_eq!(
            h.verify(&attempt("Creme brulee au caramel"), Some(&old))
                .await
                .unwrap(),
            Verification::Mismatch
        );
        // The rehash is of the normalised form, and marked.
        let new = h.rehash(&attempt(DECOMPOSED)).await.unwrap();
        assert_eq!(
            h.verify(&attempt(COMPOSED), Some(&new)).await.unwrap(),
            Verification::Match {
                needs_rehash: false
            }
        );
    }

    #[tokio::test]
    async fn a_marked_hash_is_never_checked_against_the_typed_form() {
        // A hash of the decomposed bytes that claims to be normalised: only
        // the normalised (composed) attempt is tried, so it cannot match.
        let h = hasher(HashCost::default());
        let forged = hash_with(
            HashCost::default(),
            None,
            DECOMPOSED,
            &SaltString::generate(&mut OsRng),
        )
        .unwrap();
        assert_eq!(
            h.verify(&attempt(DECOMPOSED), Some(&forged)).await.unwrap(),
            Verification::Mismatch
        );
    }

    #[test]
    fn a_short_pepper_is_refused_and_none_is_ever_printed() {
        assert!(Pepper::new(&[1; 31]).is_none());
        assert_eq!(format!("{:?}", pepper(7).unwrap()), "Pepper(<redacted>)");
    }

    #[tokio::test]
    async fn a_hash_weaker_than_configured_asks_to_be_rehashed() {
        let weak = HashCost {
            memory_kib: 8 * 1024,
            iterations: 1,
            parallelism: 1,
        };
        let old = hasher(weak)
            .hash(&new_password("correct horse battery"))
            .await
            .unwrap();
        let current = hasher(HashCost::default());
        assert_eq!(
            current
                .verify(&attempt("correct horse battery"), Some(&old))
                .await
                .unwrap(),
            Verification::Match { needs_rehash: true }
        );
    }
}
