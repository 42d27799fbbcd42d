//! Forgotten passwords: a link mailed to the account's verified address sets
//! a new one. Asking answers the same words in the same time whether or not
//! the address has an account.

use std::time::Duration;

use tower_sessions::Session;

use super::email::{hash_token, new_token};
use super::{Auth, AuthError};
use crate::domain::{ActivityKind, CurrentUser, EmailAddress, NewPassword};
use crate::mail::templates;
use crate::sessions::ClientInfo;
use crate::store::{NewEmailToken, SignedOut};

/// What a reset link does (the tokens table's `purpose`).
const RESET: &str = "reset";
/// How long a reset link works.
const RESET_FOR: i64 = 60 * 60;
/// Reset mails one account gets in an hour; more asks are answered the
/// same and send nothing (nobody can fill an inbox through us).
const RESET_MAILS_PER_HOUR: i64 = 3;
/// Every answer to "forgot password" takes at least this long, so that the
/// work done for a known address (a token, a mail) cannot be timed.
pub const RESET_ANSWER_TIME: Duration = Duration::from_millis(300);

impl Auth {
    /// Mails a link that sets a new password, if an account has verified
    /// `email`. The answer is the same, and takes at least
    /// [`RESET_ANSWER_TIME`], whether or not one has.
    pub async fn request_password_reset(&self, email: &EmailAddress) -> Result<(), AuthError> {
        let answer_at = tokio::time::Instant::now() + RESET_ANSWER_TIME;
        let sent = self.queue_reset_link(email).await;
        tokio::time::sleep_until(answer_at).await;
        if sent? {
            self.mail.wake();
        }
        Ok(())
    }

    async fn queue_reset_link(&self, email: &EmailAddress) -> Result<bool, AuthError> {
        let now = self.clock.now();
        self.store
            .transaction(|store| async move {
                let Some(owner) = store.verified_owner(&email.key()).await? else {
                    return Ok(false);
                };
                let user = owner.user;
                store.lock_user(user).await?;
                if store.email_tokens_since(user, RESET, now - 60 * 60).await?
                    >= RESET_MAILS_PER_HOUR
                {
                    return Ok(false);
                }
                let (token, hash) = new_token();
                store
                    .insert_email_token(NewEmailToken {
                        hash: &hash,
                        user,
                        purpose: RESET,
                        email_key: &email.key(),
                        now,
                        expires_at: now + RESET_FOR,
                    })
                    .await?;
                let link = self.links.to(&format!("/reset/confirm?token={token}"));
                templates::reset_password(&owner.email, &owner.username, &link)
                    .queue_on(&store, now)
                    .await?;
                Ok::<_, AuthError>(true)
            })
            .await
    }

    /// Sets a new password with a reset link, once: the password must pass
    /// registration's policy (a refused one leaves the link working), every
    /// device is signed out (their sessions and remember-me tokens go), the
    /// change is recorded, and this browser is signed in on a new device.
    pub async fn reset_password(
        &self,
        session: &Session,
        token: &str,
        new: &NewPassword,
        client: &ClientInfo,
    ) -> Result<CurrentUser, AuthError> {
        let now = self.clock.now();
        let hash = hash_token(token.trim());
        let user = self
            .store
            .peek_email_token(&hash, RESET, now)
            .await?
            .ok_or(AuthError::LinkInvalid)?;
        let password_hash = self.accounts.new_password_hash(user, new).await?;
        let (me, record) = self
            .store
            .transaction(|store| async move {
                let Some((owner, key)) = store.take_email_token(&hash, RESET, now).await? else {
                    return Err(AuthError::LinkInvalid);
                };
                // The address it went to must still be the account's, verified.
                if store.verified_owner(&key).await?.map(|o| o.user) != Some(owner) {
                    return Err(AuthError::LinkInvalid);
                }
                let me = store
                    .find_current_user(owner)
                    .await?
                    .ok_or(AuthError::LinkInvalid)?;
                store
                    .update_password_hash(owner, &password_hash, now)
                    .await?;
                store.note_signed_out(owner, SignedOut::Every, now).await?;
                store.delete_other_devices(owner, None).await?;
                let sessions = self.sessions.on(store);
                sessions
                    .activity()
                    .record(owner, ActivityKind::PasswordChanged, client)
                    .await?;
                let (record, _) = sessions.new_device(owner, false, client).await?;
                Ok::<_, AuthError>((me, record))
            })
            .await?;
        crate::sessions::start(session, record).await?;
        Ok(me)
    }
}
