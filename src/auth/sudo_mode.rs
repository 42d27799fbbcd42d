//! The sudo-mode context ([`super::Auth::sudo_mode`]): re-authenticating on
//! a signed-in session, with the password (and a code) or a passkey, so that
//! [`super::Auth::sudo`] makes its proof for ten minutes; with its own
//! [`SudoError`].

use super::check::takes_checks;
use super::{Failure, Me};
use crate::domain::{PasswordAttempt, SudoAsks};
use crate::factors::passkeys::Purpose;
use crate::sessions::{BrowserSession, ClientInfo};
use crate::throttle::RetryAfter;

context!(
    /// Sudo mode: giving the password (and code) or a passkey again.
    SudoMode,
    sudo_mode
);

/// What the sudo-mode context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum SudoError {
    /// The password given is not the account's.
    #[error("that is not the password")]
    WrongPassword,
    /// The account has a password, and none was given.
    #[error("enter your password")]
    PasswordNeeded,
    /// The account has a second factor, and no code was given.
    #[error("enter the code from your authenticator app")]
    CodeNeeded,
    /// The second factor's code is wrong, or was used already.
    #[error("that code is not right")]
    WrongCode,
    /// Too many wrong passwords or codes for this account lately.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// This server keeps no authenticator secrets, so a code cannot be checked.
    #[error("authenticator apps are not available here")]
    FactorsUnavailable,
    /// This server offers no passkeys; the text says why.
    #[error("passkeys are not available here")]
    PasskeysUnavailable(String),
    /// The browser's passkey answer did not prove anything.
    #[error("that passkey was not accepted")]
    PasskeyRefused,
    /// No passkey ceremony waits on this browser (or it waited too long).
    #[error("the passkey request expired")]
    PasskeyExpired,
    /// The account has no passkey to use.
    #[error("the account has no passkey")]
    NoPasskey,
    /// Sudo mode is not open (or the proof is another user's).
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(SudoError);
takes_checks!(SudoError { reauth ceremony proof });

impl SudoMode<'_> {
    /// What sudo mode asks of `me` beside the password: a second factor's
    /// code if they have one, or a passkey instead of both.
    pub async fn asks(&self, me: &Me) -> Result<SudoAsks, SudoError> {
        let user = me.user.id;
        let db = self.store.db();
        Ok(SudoAsks {
            password: self.has_password(db, user).await?,
            code: self.has_second_factor(db, user).await?,
            passkey: self.relying_party.is_ok() && db.passkey_count(user).await? > 0,
        })
    }

    /// Checks `me`'s password and unlocks sensitive actions on this session
    /// for a while. Wrong ones are throttled per user.
    pub async fn confirm_password(
        &self,
        session: &BrowserSession,
        me: &Me,
        password: &PasswordAttempt,
        code: Option<&str>,
        client: &ClientInfo,
    ) -> Result<(), SudoError> {
        self.check_password(me, password).await?;
        // With a second factor, sudo mode takes its code as well.
        if self.has_second_factor(self.store.db(), me.user.id).await? {
            let code = code
                .filter(|c| !c.trim().is_empty())
                .ok_or(SudoError::CodeNeeded)?;
            self.check_factor(me.user.id, code, client).await?;
        }
        Ok(self.sessions.confirmed_password(session).await?)
    }

    /// Starts confirming who is there with a passkey, for sudo mode.
    pub async fn begin_passkey(
        &self,
        session: &BrowserSession,
        me: &Me,
    ) -> Result<String, SudoError> {
        Ok(self.begin_known(session, Purpose::Sudo, me.user.id).await?)
    }

    /// Opens sudo mode with a passkey: it proves what a password and a
    /// second factor would.
    pub async fn finish_passkey(
        &self,
        session: &BrowserSession,
        me: &Me,
        credential: &str,
    ) -> Result<(), SudoError> {
        let ceremony = self.take_ceremony(session, Purpose::Sudo).await?;
        if ceremony.user != Some(me.user.id) {
            return Err(SudoError::PasskeyExpired);
        }
        self.check_passkey(ceremony, credential).await?;
        Ok(self.sessions.confirmed_password(session).await?)
    }
}
