//! Links mailed to whoever holds an address, on request from anyone: "forgot
//! password" and "sign in by email". Asking answers the same, in the same
//! time, whether or not the address has an account; following a link proves
//! the address is its reader's, so an unverified one becomes verified.

use std::time::Duration;

use super::email::{hash_token, new_token};
use super::Auth;
use crate::domain::{EmailAddress, UserId};
use crate::mail::{templates, Mail};
use crate::store::{AddressOwner, Db, NewEmailToken, StoreError};

/// Every answer to a request for a mailed link takes at least this long, so
/// that the work done for a known address (a token, a mail) cannot be timed.
pub const LINK_ANSWER_TIME: Duration = Duration::from_millis(300);

/// Which use cases need the account's address verified: the rest also
/// accept an address that was given but not yet confirmed (following a
/// mailed link then confirms it). `LATCHKEY_VERIFIED_EMAIL_FOR` in the
/// server's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedFor {
    /// "Forgot password" mails only a verified address.
    pub reset: bool,
    /// "Sign in by email" mails only a verified address.
    pub email_sign_in: bool,
    /// Editing the public profile (so that unconfirmed accounts publish
    /// nothing).
    pub profile: bool,
}

impl Default for VerifiedFor {
    /// Mailed links go only to verified addresses; the profile is open.
    fn default() -> Self {
        Self {
            reset: true,
            email_sign_in: true,
            profile: false,
        }
    }
}

impl VerifiedFor {
    /// The names accepted by [`VerifiedFor::parse`].
    pub const NAMES: [&'static str; 3] = ["reset", "email-sign-in", "profile"];

    /// A comma-separated list of [`VerifiedFor::NAMES`]; empty for none.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut needs = Self {
            reset: false,
            email_sign_in: false,
            profile: false,
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "reset" => needs.reset = true,
                "email-sign-in" => needs.email_sign_in = true,
                "profile" => needs.profile = true,
                other => {
                    return Err(format!(
                        "unknown use case {other:?}; choose from {}",
                        Self::NAMES.join(", ")
                    ))
                }
            }
        }
        Ok(needs)
    }
}

/// One kind of link mailed on request.
pub(super) struct LinkKind {
    /// The tokens table's `purpose`.
    pub purpose: &'static str,
    /// How long it works, in seconds.
    pub lasts: i64,
    /// Mails of this kind one account gets in an hour; more requests are
    /// answered the same and send nothing.
    pub per_hour: i64,
    /// The page it opens, before `?token=`.
    pub path: &'static str,
    /// The mail: to, username, link.
    pub mail: fn(&str, &str, &str) -> Mail,
    /// Whether it goes only to a verified address.
    pub needs_verified: fn(&VerifiedFor) -> bool,
}

/// "Forgot password": an hour.
pub(super) const RESET_LINK: LinkKind = LinkKind {
    purpose: "reset",
    lasts: 60 * 60,
    per_hour: 3,
    path: "/reset/confirm",
    mail: templates::reset_password,
    needs_verified: |v| v.reset,
};

/// "Sign in by email": 10 minutes, as ASVS 5.0 6.5.5 allows an out-of-band request.
pub(super) const SIGN_IN_LINK: LinkKind = LinkKind {
    purpose: "sign-in",
    lasts: 10 * 60,
    per_hour: 5,
    path: "/login/email/confirm",
    mail: templates::sign_in_link,
    needs_verified: |v| v.email_sign_in,
};

/// At most this many unconfirmed accounts naming one address get a link
/// each (when links may go to unconfirmed addresses).
const MAX_HOLDERS: i64 = 5;

impl Auth {
    /// Mails a `kind` link to each account that holds `email`, and answers
    /// the same, no sooner than [`LINK_ANSWER_TIME`], whether or not any does.
    pub(super) async fn mail_link(
        &self,
        email: &EmailAddress,
        kind: &LinkKind,
    ) -> Result<(), StoreError> {
        let answer_at = tokio::time::Instant::now() + LINK_ANSWER_TIME;
        let sent = self.queue_links(email, kind).await;
        tokio::time::sleep_until(answer_at).await;
        if sent? {
            self.mail.wake();
        }
        Ok(())
    }

    async fn queue_links(&self, email: &EmailAddress, kind: &LinkKind) -> Result<bool, StoreError> {
        let now = self.clock.seconds();
        let unverified_too = !(kind.needs_verified)(&self.verified_for);
        // Read first, outside any transaction: an address nobody holds, or
        // whose holders had their links for the hour, takes no write lock,
        // so a flood of requests leaves SQLite's one writer to everyone else.
        let holders = self
            .store
            .db()
            .address_holders(&email.key(), unverified_too, MAX_HOLDERS)
            .await?;
        let mut due = Vec::new();
        for holder in holders {
            let sent = self
                .store
                .db()
                .email_tokens_since(holder.user, kind.purpose, now - 60 * 60)
                .await?;
            if sent < kind.per_hour {
                due.push(holder);
            }
        }
        if due.is_empty() {
            return Ok(false);
        }
        // Checked again under the account's row lock (`queue_link`).
        let tx = self.store.begin().await?;
        let db = tx.db();
        let mut sent = false;
        for holder in &due {
            sent |= self.queue_link(db, email, holder, kind, now).await?;
        }
        tx.commit().await?;
        Ok(sent)
    }

    async fn queue_link(
        &self,
        db: Db<'_>,
        email: &EmailAddress,
        holder: &AddressOwner,
        kind: &LinkKind,
        now: i64,
    ) -> Result<bool, StoreError> {
        let user = holder.user;
        db.lock_user(user).await?;
        // A locked account is sent nothing (and the answer is the same).
        if db.lock_reason(user).await?.is_some() {
            return Ok(false);
        }
        if db
            .email_tokens_since(user, kind.purpose, now - 60 * 60)
            .await?
            >= kind.per_hour
        {
            return Ok(false);
        }
        let (token, hash) = new_token();
        db.insert_email_token(NewEmailToken {
            hash: &hash,
            user,
            purpose: kind.purpose,
            email_key: &email.key(),
            email: None,
            now,
            expires_at: now + kind.lasts,
        })
        .await?;
        let link = self.links.to(&format!("{}?token={token}", kind.path));
        (kind.mail)(&holder.email, &holder.username, &link)
            .queue_on(db, crate::domain::UnixTime::from_seconds(now))
            .await?;
        Ok(true)
    }

    /// On `db`, inside the use's transaction: uses a `kind` link once and
    /// answers whose it is (`None`: the link does not work). The address it went to must still be the
    /// account's; if it was not yet verified (and `kind` allows that), it is
    /// now: the link's reader has shown it is theirs.
    pub(super) async fn take_link(
        &self,
        db: Db<'_>,
        token: &str,
        kind: &LinkKind,
        now: i64,
    ) -> Result<Option<UserId>, StoreError> {
        let hash = hash_token(token.trim());
        let Some(taken) = db.take_email_token(&hash, kind.purpose, now).await? else {
            return Ok(None);
        };
        // (A locked account's links are refused by the take itself.)
        let (user, key) = (taken.user, taken.email_key);
        let Some((address, verified)) = db.user_email(user).await? else {
            return Ok(None);
        };
        let still_theirs = EmailAddress::parse(&address).is_ok_and(|a| a.key() == key);
        if !still_theirs {
            return Ok(None);
        }
        if !verified {
            if (kind.needs_verified)(&self.verified_for) {
                return Ok(None);
            }
            match db.mark_email_verified(user, &key, now).await {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                // Another account verified the address first.
                Err(e) if e.is_unique_violation() => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(user))
    }

    /// Whether `user`'s address is verified, when `needed` says it must be
    /// (true when it need not be).
    pub(super) async fn verified_as_needed(
        &self,
        db: Db<'_>,
        user: UserId,
        needed: fn(&VerifiedFor) -> bool,
    ) -> Result<bool, StoreError> {
        if !needed(&self.verified_for) {
            return Ok(true);
        }
        Ok(matches!(db.user_email(user).await?, Some((_, true))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_use_cases_that_need_a_verified_address_are_listed_by_name() {
        assert_eq!(
            VerifiedFor::parse("").unwrap(),
            VerifiedFor::parse(" , ").unwrap()
        );
        assert!(!VerifiedFor::parse("").unwrap().reset);
        let all = VerifiedFor::parse("reset, email-sign-in,profile").unwrap();
        assert!(all.reset && all.email_sign_in && all.profile);
        let default = VerifiedFor::default();
        assert!(default.reset && default.email_sign_in && !default.profile);
        let error = VerifiedFor::parse("reset,sign-in").unwrap_err();
        assert!(
            error.contains("\"sign-in\"") && error.contains("email-sign-in"),
            "{error}"
        );
    }
}
