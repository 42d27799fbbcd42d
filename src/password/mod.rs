//! argon2id password hashing, off the async executor and with bounded concurrency.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, KeyId, Params, ParamsBuilder, Version};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use crate::domain::{NewPassword, PasswordAttempt};
use crate::factors::recovery::{self, StoredCode};

mod pepper;

pub use pepper::Pepper;
use pepper::{is_peppered, PEPPER_KEY_ID};

/// The associated data of a hash made of a normalised password
/// ([`crate::domain::normalize`]): it marks the hash, and is mixed into it.
const NORMALIZED: &[u8] = b"nfkc";

/// What an account without a password (one that signs in with passkeys
/// only) stores in place of a hash: no password matches it.
pub const NO_PASSWORD: &str = "";

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
        // An account without a password (passkeys only) matches nothing,
        // after the same work as a wrong password.
        let stored = stored.filter(|hash| *hash != NO_PASSWORD);
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

    /// What stores `codes` (recovery codes) under their set's `salt`: the
    /// argon2id of each at the OWASP minimum cost, keyed with the pepper when
    /// one is set. Ten hashes: make them before any transaction.
    pub async fn hash_recovery_codes(
        &self,
        codes: &[String],
        salt: &[u8],
    ) -> Result<Vec<StoredCode>, HashError> {
        let (pepper, salt) = (self.pepper.clone(), salt.to_vec());
        let codes: Vec<String> = codes.iter().map(|c| recovery::normalise(c)).collect();
        self.run(move || {
            codes
                .iter()
                .map(|code| {
                    Ok(StoredCode {
                        salt: salt.clone(),
                        hash: code_hash(pepper.as_ref(), code, &salt)?,
                    })
                })
                .collect()
        })
        .await
    }

    /// The hash of a typed recovery code under a set's `salt`, to compare
    /// with each stored code of that set.
    pub async fn recovery_code_hash(&self, typed: &str, salt: &[u8]) -> Result<Vec<u8>, HashError> {
        let (pepper, salt) = (self.pepper.clone(), salt.to_vec());
        let code = recovery::normalise(typed);
        self.run(move || code_hash(pepper.as_ref(), &code, &salt))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        // How many wait for a hasher, and how long each waited.
        let waiting = metrics::gauge!("latchkey_hash_queue_depth");
        waiting.increment(1.0);
        let queued = std::time::Instant::now();
        let permit = self.permits.acquire().await;
        waiting.decrement(1.0);
        metrics::histogram!("latchkey_hash_wait_seconds").record(queued.elapsed().as_secs_f64());
        let _permit = permit.map_err(|e| HashError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| HashError::Task(e.to_string()))?
    }
}

/// argon2id of a normalised recovery code, raw (32 bytes).
fn code_hash(pepper: Option<&Pepper>, code: &str, salt: &[u8]) -> Result<Vec<u8>, HashError> {
    let cost = HashCost::OWASP_MINIMUM;
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, Some(32))
        .map_err(|e| HashError::Argon2(e.to_string()))?;
    let argon = match pepper {
        Some(pepper) => pepper.argon2(params)?,
        None => Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
    };
    let mut out = vec![0u8; 32];
    argon
        .hash_password_into(code.as_bytes(), salt, &mut out)
        .map_err(|e| HashError::Argon2(e.to_string()))?;
    Ok(out)
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
mod tests;
