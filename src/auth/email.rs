//! Email identity's use cases: the address given at registration, the link
//! that verifies it, and sending that link again.
//!
//! Nothing here tells anyone whether an address is taken: a new account may
//! name an address another account has verified; the mail then goes to that
//! address's owner as a notice, and the new account never gets a link.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Auth, Email, EmailError, Me};
use crate::domain::{CurrentUser, EmailAddress};
use crate::mail::templates;
use crate::store::{Db, NewEmailToken, StoreError};
use crate::throttle::RetryAfter;

/// What a verification link does (the tokens table's `purpose`).
const VERIFY: &str = "verify";
/// How long a verification link works.
const VERIFY_FOR: i64 = 24 * 60 * 60;
/// Verification mails an account may ask for in an hour.
const VERIFY_MAILS_PER_HOUR: i64 = 3;

/// Where the links in mail point: the site's public address, from the
/// configuration, never from a request's `Host` (which whoever sends the
/// request chooses).
#[derive(Debug, Clone)]
pub struct Links {
    base: String,
}

impl Links {
    /// Links under `base` (`https://example.com`).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub(super) fn to(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Default for Links {
    fn default() -> Self {
        Self::new("http://localhost:3000")
    }
}

/// A new random link token (256 bits, hex) and the hash that is stored.
pub(super) fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub(super) fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl Auth {
    /// On `db`, inside the change's transaction: gives `user` the address
    /// `email`, unverified, and queues its mail.
    pub(super) async fn give_address(
        &self,
        db: Db<'_>,
        user: &CurrentUser,
        email: &EmailAddress,
        now: i64,
    ) -> Result<(), StoreError> {
        db.set_unverified_email(user.id, email).await?;
        self.mail_about_address(db, user, email, now).await
    }

    /// A verification link to `email`, or, when another account has
    /// verified it, a notice to its owner (and nothing the new account sees).
    async fn mail_about_address(
        &self,
        db: Db<'_>,
        user: &CurrentUser,
        email: &EmailAddress,
        now: i64,
    ) -> Result<(), StoreError> {
        let key = email.key();
        let owner = db.verified_owner(&key).await?;
        // A token is stored either way, so both answers do the same work
        // (and the hourly limit counts notices too); for a taken address it
        // has already expired, so it can never be used.
        let (token, hash) = new_token();
        db.insert_email_token(NewEmailToken {
            hash: &hash,
            user: user.id,
            purpose: VERIFY,
            email_key: &key,
            email: None,
            now,
            expires_at: match &owner {
                Some(owner) if owner.user != user.id => now,
                _ => now + VERIFY_FOR,
            },
        })
        .await?;
        let mail = match owner {
            // To the address as its owner gave it, not as this visitor typed it.
            Some(owner) if owner.user != user.id => {
                templates::address_already_registered(&owner.email, &self.links.to("/login"))
            }
            _ => {
                let link = self.links.to(&format!("/verify?token={token}"));
                templates::verify_address(email.as_str(), &user.username, &link)
            }
        };
        mail.queue_on(db, crate::domain::UnixTime::from_seconds(now))
            .await?;
        Ok(())
    }
}

impl Email<'_> {
    /// Follows a verification link: the address it was mailed to becomes
    /// its account's, verified. Each link works once, for 24 hours, and only
    /// while the account still has that address.
    pub async fn verify(&self, token: &str) -> Result<(), EmailError> {
        let now = self.clock.seconds();
        let hash = hash_token(token.trim());
        let tx = self.store.begin().await?;
        let db = tx.db();
        let Some(taken) = db.take_email_token(&hash, VERIFY, now).await? else {
            return Err(EmailError::LinkInvalid);
        };
        match db
            .mark_email_verified(taken.user, &taken.email_key, now)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(EmailError::LinkInvalid),
            // Another account verified the address first.
            Err(e) if e.is_unique_violation() => Err(EmailError::LinkInvalid),
            Err(e) => Err(e.into()),
        }?;
        tx.commit().await?;
        Ok(())
    }

    /// Mails the signed-in user's verification link again: at most three an
    /// hour, and the same answer whether or not the address is taken.
    pub async fn resend(&self, me: &Me) -> Result<(), EmailError> {
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let Some((email, verified)) = db.user_email(me.user.id).await? else {
            return Err(EmailError::NoEmail);
        };
        if verified {
            return Err(EmailError::AlreadyVerified);
        }
        db.lock_user(me.user.id).await?;
        let sent = db
            .email_tokens_since(me.user.id, VERIFY, now - 60 * 60)
            .await?;
        if sent >= VERIFY_MAILS_PER_HOUR {
            return Err(EmailError::Throttled(RetryAfter(60 * 60)));
        }
        let email = EmailAddress::parse(&email).map_err(|_| EmailError::NoEmail)?;
        self.mail_about_address(db, &me.user, &email, now).await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ASVS 5.0 11.5.1: a link token carries 256 random bits, and only its
    /// SHA-256 is stored.
    #[test]
    fn a_link_token_is_256_random_bits_stored_as_its_hash() {
        let tokens: Vec<(String, Vec<u8>)> = (0..200).map(|_| new_token()).collect();
        for (token, hash) in &tokens {
            assert_eq!(token.len(), 64);
            assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(*hash, hash_token(token));
            assert_ne!(hash.as_slice(), token.as_bytes());
        }
        let distinct: std::collections::HashSet<_> = tokens.iter().map(|(t, _)| t).collect();
        assert_eq!(distinct.len(), tokens.len());
    }
}
