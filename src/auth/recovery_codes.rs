//! Recovery codes' hashing, for the factor use cases: new sets are hashed
//! on the blocking pool before any transaction, and a typed code costs one
//! argon2id per set (see [`crate::factors::recovery`]).

use super::{Auth, Failure};
use crate::domain::UserId;
use crate::factors::recovery::{self, StoredCode};

impl Auth {
    /// Ten new recovery codes and what stores them, hashed on the blocking
    /// pool before any transaction takes the database's lock.
    pub(super) async fn new_recovery_codes(
        &self,
    ) -> Result<(Vec<String>, Vec<StoredCode>), Failure> {
        let (codes, salt) = recovery::generate();
        let stored = self
            .accounts
            .hasher()
            .hash_recovery_codes(&codes, &salt)
            .await?;
        Ok((codes, stored))
    }

    /// `user`'s unused recovery code that `typed` is, if any: one argon2id
    /// for the whole set (a SHA-256 each for codes of the old scheme).
    pub(super) async fn matching_recovery_code(
        &self,
        user: UserId,
        typed: &str,
    ) -> Result<Option<StoredCode>, Failure> {
        let unused = self.store.db().unused_recovery_codes(user).await?;
        let mut hashes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for stored in &unused {
            let hash = match hashes.iter().find(|(salt, _)| *salt == stored.salt) {
                Some((_, hash)) => hash.clone(),
                None if stored.is_legacy() => stored.legacy_hash(typed),
                None => {
                    let hash = self
                        .accounts
                        .hasher()
                        .recovery_code_hash(typed, &stored.salt)
                        .await?;
                    hashes.push((stored.salt.clone(), hash.clone()));
                    hash
                }
            };
            if stored.has_hash(&hash) {
                return Ok(Some(stored.clone()));
            }
        }
        Ok(None)
    }
}
