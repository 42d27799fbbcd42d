//! The password's use case for a signed-in user, changing it, and the
//! checks a sensitive change asks again: the password (or, for an account
//! without one, sudo mode in its place) and a code with a second factor.

use crate::sessions::BrowserSession;

use super::check::ReauthError;
use super::{Auth, Me, PasswordError, Passwords};
use crate::domain::{ActivityKind, NewPassword, PasswordAttempt};
use crate::sessions::ClientInfo;
use crate::store::SignedOut;

impl Passwords<'_> {
    /// Replaces `me`'s password after checking the current one. In one
    /// transaction: the new hash, every other device signed out, the
    /// activity row. Then this session gets a new id (an old copy of its
    /// cookie is worthless) and counts as confirmed. Answers how many other
    /// devices were signed out.
    pub async fn change(
        &self,
        session: &BrowserSession,
        me: &Me,
        current: Option<&PasswordAttempt>,
        code: Option<&str>,
        new: &NewPassword,
        client: &ClientInfo,
    ) -> Result<u64, PasswordError> {
        let second_factor = self
            .check_sign_in_factors(me, current, code, client)
            .await?;
        let hash = self.accounts.new_password_hash(me.user.id, new).await?;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        db.update_password_hash(me.user.id, &hash, now).await?;
        db.note_signed_out(me.user.id, SignedOut::AllBut(me.at.device), now)
            .await?;
        let others = db
            .delete_other_devices(me.user.id, Some(me.at.device))
            .await?;
        self.notice_password_changed(db, me.user.id, now).await?;
        super::change_email::void_outstanding_links(db, me.user.id, now).await?;
        self.record_on(db, me, ActivityKind::PasswordChanged, client)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        // A new id, and the password just given counts as a confirmation
        // (unless sudo mode also takes a second factor's code).
        if second_factor {
            session.cycle_id().await?;
        } else {
            self.sessions.confirmed_password(session).await?;
        }
        session.save().await?;
        Ok(others)
    }
}

impl Auth {
    /// What a sensitive change takes: the factors of a sign-in (ASVS 6.3).
    /// The password, checked (or, for an account without one, sudo mode);
    /// with a second factor, its code too, or sudo mode, which took one.
    /// Answers whether the account has a second factor.
    pub(super) async fn check_sign_in_factors(
        &self,
        me: &Me,
        password: Option<&PasswordAttempt>,
        code: Option<&str>,
        client: &ClientInfo,
    ) -> Result<bool, ReauthError> {
        self.check_password_or_sudo(me, password).await?;
        let second_factor = self.has_second_factor(self.store.db(), me.user.id).await?;
        // Without a password given, sudo mode was required: both factors.
        if password.is_none() || !second_factor {
            return Ok(second_factor);
        }
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => self.check_factor(me.user.id, code, client).await?,
            None if self.sudo_active(me) => return Ok(true),
            None => return Err(ReauthError::CodeNeeded),
        };
        Ok(true)
    }

    /// The password `me` gave, checked; an account without one (passkeys
    /// only) gives none, and must be in sudo mode instead.
    pub(super) async fn check_password_or_sudo(
        &self,
        me: &Me,
        password: Option<&PasswordAttempt>,
    ) -> Result<(), ReauthError> {
        match password {
            Some(password) => self.check_password(me, password).await,
            None if !self.has_password(self.store.db(), me.user.id).await? => {
                match self.sudo_active(me) {
                    true => Ok(()),
                    false => Err(ReauthError::ConfirmPassword),
                }
            }
            None => Err(ReauthError::PasswordNeeded),
        }
    }

    pub(super) async fn check_password(
        &self,
        me: &Me,
        password: &PasswordAttempt,
    ) -> Result<(), ReauthError> {
        use crate::accounts::Error as E;
        match self.accounts.verify_password(me.user.id, password).await {
            Ok(()) => Ok(()),
            Err(E::InvalidCredentials) => Err(ReauthError::WrongPassword),
            Err(E::Throttled(wait)) => Err(super::check::CodeError::Throttled(wait).into()),
            Err(E::Store(e)) => Err(e.into()),
            Err(E::Hash(e)) => Err(e.into()),
            // An account gone meanwhile has no password to match; checking
            // one answers nothing else.
            Err(
                E::NotFound
                | E::Forbidden
                | E::UsernameTaken
                | E::UsernameUnchanged
                | E::WeakPassword(_),
            ) => Err(ReauthError::WrongPassword),
        }
    }
}
