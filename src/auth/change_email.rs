//! Moving an account to a new address (sudo mode). The change happens only
//! when a link mailed to the new address is followed; the old address, if
//! it was verified, then gets a notice with a link that puts it back within
//! seven days and signs every device out.
//!
//! An account with no address (made before addresses existed) or an
//! unconfirmed one (a typo) uses the same steps to give one.

use super::email::{hash_token, new_token};
use super::{Email, EmailError, Me, Sudo};
use crate::domain::{ActivityKind, EmailAddress, UserId};
use crate::mail::templates;
use crate::sessions::ClientInfo;
use crate::store::{Db, NewEmailToken, SignedOut, StoreError, TakenToken};
use crate::throttle::RetryAfter;

/// A link that confirms a new address.
const CHANGE: &str = "change";
const CHANGE_FOR: i64 = 24 * 60 * 60;
/// Confirmation mails an account may ask for in an hour.
const CHANGE_MAILS_PER_HOUR: i64 = 3;
/// A link that puts the old address back.
const UNDO: &str = "undo";
/// How long the old address can take the account back.
pub const UNDO_FOR: i64 = 7 * 24 * 60 * 60;

impl Email<'_> {
    /// Mails a link to `new` that makes it `me`'s address (sudo mode). The
    /// answer is the same whether or not another account has verified
    /// `new`: then its owner gets a notice instead, and no link goes out.
    pub async fn request_change(
        &self,
        me: &Me,
        sudo: &Sudo,
        new: &EmailAddress,
    ) -> Result<(), EmailError> {
        sudo.covers(me).map_err(|_| EmailError::ConfirmPassword)?;
        let now = self.clock.seconds();
        let user = me.user.id;
        let tx = self.store.begin().await?;
        let db = tx.db();
        let current = db.user_email(user).await?;
        let same = current
            .as_ref()
            .and_then(|(email, _)| EmailAddress::parse(email).ok())
            .is_some_and(|current| current.key() == new.key());
        if same {
            return Err(EmailError::Unchanged);
        }
        db.lock_user(user).await?;
        if db.email_tokens_since(user, CHANGE, now - 60 * 60).await? >= CHANGE_MAILS_PER_HOUR {
            return Err(EmailError::Throttled(RetryAfter(60 * 60)));
        }
        let owner = db.verified_owner(&new.key()).await?;
        // Stored either way, so that the hourly limit counts notices
        // too; for a taken address it carries no address and has
        // already expired, so it can never be used.
        let (token, hash) = new_token();
        db.insert_email_token(NewEmailToken {
            hash: &hash,
            user,
            purpose: CHANGE,
            email_key: &new.key(),
            email: owner.is_none().then_some(new.as_str()),
            now,
            expires_at: if owner.is_none() {
                now + CHANGE_FOR
            } else {
                now
            },
        })
        .await?;
        // The current (confirmed) address hears of it now, while a
        // password change can still stop it.
        let password = self.links.to("/settings/password");
        self.notify(db, user, now, false, |current| {
            templates::address_change_requested(
                &current.email,
                &current.username,
                new.as_str(),
                &password,
            )
        })
        .await?;
        let mail = match owner {
            Some(owner) => {
                templates::address_already_registered(&owner.email, &self.links.to("/login"))
            }
            None => {
                let link = self
                    .links
                    .to(&format!("/settings/email/confirm?token={token}"));
                templates::confirm_new_address(new.as_str(), &me.user.username, &link)
            }
        };
        mail.queue_on(db, crate::domain::UnixTime::from_seconds(now))
            .await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(())
    }

    /// Follows the link mailed to a new address: it becomes the account's,
    /// verified. A verified old address gets a notice with a way back.
    pub async fn confirm_change(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> Result<EmailAddress, EmailError> {
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let (user, new, _) = take_address_link(db, token, CHANGE, now).await?;
        // The verified address it leaves, if any, gets the way back.
        let old = db.notice_address(user).await?.and_then(|(owner, _)| {
            let address = EmailAddress::parse(&owner.email).ok()?;
            (address.key() != new.key()).then_some((owner, address))
        });
        move_to(db, user, &new, now).await?;
        if let Some((old, address)) = old {
            let (undo, hash) = new_token();
            db.insert_email_token(NewEmailToken {
                hash: &hash,
                user,
                purpose: UNDO,
                email_key: &address.key(),
                email: Some(&old.email),
                now,
                expires_at: now + UNDO_FOR,
            })
            .await?;
            let link = self.links.to(&format!("/settings/email/undo?token={undo}"));
            templates::address_changed(&old.email, &old.username, new.as_str(), &link)
                .queue_on(db, crate::domain::UnixTime::from_seconds(now))
                .await?;
        }
        self.sessions
            .activity_on(db)
            .record(user, ActivityKind::EmailChanged, client)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(new)
    }

    /// Follows the link mailed to an old address after a change: the
    /// address is the account's again, every device is signed out (remember
    /// tokens too), and every other link the account was sent stops working.
    pub async fn undo_change(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> Result<EmailAddress, EmailError> {
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let (user, old, changed_at) = take_address_link(db, token, UNDO, now).await?;
        move_to(db, user, &old, now).await?;
        db.void_email_tokens(user, now).await?;
        // Whoever moved the account may have added a way in of their
        // own since: the authenticator, passkeys and recovery codes
        // made after the change go with it.
        if db.delete_factors_since(user, changed_at).await? > 0
            && !self.has_second_factor(db, user).await?
        {
            db.delete_recovery_codes(user).await?;
        }
        db.note_signed_out(user, SignedOut::Every, now).await?;
        db.delete_other_devices(user, None).await?;
        self.sessions
            .activity_on(db)
            .record(user, ActivityKind::EmailChangeUndone, client)
            .await?;
        tx.commit().await?;
        Ok(old)
    }
}

/// After `user`'s credentials changed (a password change or reset, a lock,
/// a factor added or removed), inside that change's transaction: every link
/// the account was sent stops working, so that one an intruder asked for
/// before (a move to their address, a sign-in link) cannot outlive the
/// owner's recovery. All but the way back to an address the account was
/// moved away from: that one goes to the owner, and an intruder who changes
/// the password must not take it from them.
pub(super) async fn void_outstanding_links(
    db: Db<'_>,
    user: UserId,
    now: i64,
) -> Result<(), StoreError> {
    db.void_email_tokens_but(user, UNDO, now).await?;
    Ok(())
}

/// Uses a link that carries an address, once: whose it is, the address,
/// and when the link was made.
async fn take_address_link(
    db: Db<'_>,
    token: &str,
    purpose: &str,
    now: i64,
) -> Result<(UserId, EmailAddress, i64), EmailError> {
    let hash = hash_token(token.trim());
    let Some(TakenToken {
        user,
        email_key,
        email: Some(email),
        created_at,
    }) = db.take_email_token(&hash, purpose, now).await?
    else {
        return Err(EmailError::LinkInvalid);
    };
    match EmailAddress::parse(&email) {
        Ok(address) if address.key() == email_key => Ok((user, address, created_at)),
        _ => Err(EmailError::LinkInvalid),
    }
}

/// Makes `email` `user`'s verified address, unless another account has
/// verified it meanwhile.
async fn move_to(
    db: Db<'_>,
    user: UserId,
    email: &EmailAddress,
    now: i64,
) -> Result<(), EmailError> {
    match db.set_verified_email(user, email, now).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_unique_violation() => Err(EmailError::LinkInvalid),
        Err(e) => Err(e.into()),
    }
}
