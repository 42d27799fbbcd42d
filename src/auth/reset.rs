//! Forgotten passwords: a link mailed to the account's verified address sets
//! a new one. Asking answers the same words in the same time whether or not
//! the address has an account.

use crate::sessions::BrowserSession;

use super::email::hash_token;
use super::mailed::RESET_LINK;
use super::{PasswordError, Passwords};
use crate::domain::{
    ActivityKind, CurrentUser, EmailAddress, NewPassword, Trusted, UserId, LATELY,
};
use crate::sessions::{ClientInfo, Via};
use crate::store::SignedOut;

impl Passwords<'_> {
    /// Mails a link that sets a new password, if an account has `email`
    /// (verified, unless configured otherwise). The answer is the same, and
    /// takes at least [`super::LINK_ANSWER_TIME`], whether or not one has;
    /// an account gets at most three an hour.
    pub async fn request_reset(&self, email: &EmailAddress) -> Result<(), PasswordError> {
        Ok(self.mail_link(email, &RESET_LINK).await?)
    }

    /// Whose live reset link `token` is, without using it.
    async fn reset_link_owner(&self, token: &str, now: i64) -> Result<UserId, PasswordError> {
        self.store
            .db()
            .peek_email_token(&hash_token(token.trim()), RESET_LINK.purpose, now)
            .await?
            .ok_or(PasswordError::LinkInvalid)
    }

    /// What the account of a live reset link trusts besides its password,
    /// for the page that sets a new one: a new password removes none of it.
    pub async fn trusted_by_reset_link(&self, token: &str) -> Result<Trusted, PasswordError> {
        let now = self.clock.seconds();
        let user = self.reset_link_owner(token, now).await?;
        let totp = self.store.db().totp(user).await?;
        Ok(Trusted {
            totp_since: totp
                .and_then(|row| row.confirmed_at)
                .map(crate::domain::UnixTime::from_seconds),
            passkeys: self
                .passkey_summaries(user)
                .await?
                .into_iter()
                .map(|passkey| (passkey.name, passkey.created_at))
                .collect(),
            recovery_codes_left: u32::try_from(self.store.db().recovery_codes_left(user).await?)
                .unwrap_or(0),
            lately_since: self.clock.now().before(LATELY),
        })
    }

    /// Sets a new password with a reset link, once: the password must pass
    /// registration's policy (a refused one leaves the link working), every
    /// device is signed out (their sessions and remember-me tokens go), the
    /// change is recorded, and this browser is signed in on a new device,
    /// unless the account has a second factor (then `None`: the user signs
    /// in with the new password and the factor).
    pub async fn reset(
        &self,
        session: &BrowserSession,
        token: &str,
        new: &NewPassword,
        client: &ClientInfo,
    ) -> Result<Option<CurrentUser>, PasswordError> {
        let now = self.clock.seconds();
        let user = self.reset_link_owner(token, now).await?;
        let password_hash = self.accounts.new_password_hash(user, new).await?;
        let tx = self.store.begin().await?;
        let db = tx.db();
        let owner = self
            .take_link(db, token, &RESET_LINK, now)
            .await?
            .ok_or(PasswordError::LinkInvalid)?;
        let me = db
            .find_current_user(owner)
            .await?
            .ok_or(PasswordError::LinkInvalid)?;
        db.update_password_hash(owner, &password_hash, now).await?;
        db.note_signed_out(owner, SignedOut::Every, now).await?;
        db.delete_other_devices(owner, None).await?;
        self.notice_password_changed(db, owner, now).await?;
        super::change_email::void_outstanding_links(db, owner, now).await?;
        let second_factor = self.has_second_factor(db, owner).await?;
        self.sessions
            .activity_on(db)
            .record(owner, ActivityKind::PasswordChanged, client)
            .await?;
        // With a second factor, the sign-in waits for it.
        let record = match second_factor {
            true => None,
            false => Some(
                self.sessions
                    .new_device(
                        db,
                        owner,
                        Via::Password,
                        Via::Password.label(),
                        false,
                        client,
                    )
                    .await?
                    .0,
            ),
        };
        tx.commit().await?;
        self.mail.wake();
        match record {
            Some(record) => {
                crate::sessions::start(session, record).await?;
                Ok(Some(me))
            }
            None => Ok(None),
        }
    }
}
