//! The account context ([`super::Auth::account`]): creating an account,
//! its name, its public profile, its mail choices and deleting it, with its
//! own [`AccountError`].

use super::check::takes_checks;
use super::{Failure, Me, SecondFactorRule, Sudo};
use crate::accounts::Error as AccountsError;
use crate::domain::{
    ActivityKind, CurrentUser, EmailAddress, EmailSettings, EmailStatus, NewPassword,
    PasswordAttempt, Profile, ProfileUpdate, Username,
};
use crate::sessions::{BrowserSession, ClientInfo, Via};
use crate::throttle::RetryAfter;

context!(
    /// An account's own lifecycle: registration, name, profile, deletion.
    Account,
    account
);

/// What the account context can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Another account has this name, in some case.
    #[error("that username is taken")]
    UsernameTaken,
    /// The new username is exactly the current one.
    #[error("that is already the username")]
    UsernameUnchanged,
    /// The new password is too easy to guess; the text says why.
    #[error("weak password")]
    WeakPassword(String),
    /// The username typed to confirm a deletion is not the account's; it
    /// holds the account's own, to say which to type.
    #[error("the username typed is not the account's")]
    NotYourUsername(String),
    /// The profile to edit is another account's.
    #[error("not allowed")]
    Forbidden,
    /// No such user.
    #[error("no such user")]
    NotFound,
    /// Editing the profile needs the account's address confirmed first.
    #[error("confirm your email address first")]
    EmailNotVerified,
    /// That would leave no admin who can act.
    #[error("that is the last administrator")]
    LastAdmin,
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
    /// The action needs sudo mode (or the proof is another user's).
    #[error("the password must be confirmed first")]
    ConfirmPassword,
    /// Beneath the use case.
    #[error(transparent)]
    Failed(#[from] Failure),
}

super::failure::fails_with_failure!(AccountError);
takes_checks!(AccountError { reauth });

impl From<crate::password::HashError> for AccountError {
    fn from(e: crate::password::HashError) -> Self {
        AccountError::Failed(e.into())
    }
}

/// The account service's answers, as this context's: every one has its
/// counterpart (a wrong password is one, a throttle the same wait).
impl From<AccountsError> for AccountError {
    fn from(e: AccountsError) -> Self {
        match e {
            AccountsError::UsernameTaken => AccountError::UsernameTaken,
            AccountsError::UsernameUnchanged => AccountError::UsernameUnchanged,
            AccountsError::InvalidCredentials => AccountError::WrongPassword,
            AccountsError::WeakPassword(why) => AccountError::WeakPassword(why),
            AccountsError::Throttled(wait) => AccountError::Throttled(wait),
            AccountsError::Forbidden => AccountError::Forbidden,
            AccountsError::NotFound => AccountError::NotFound,
            AccountsError::Store(e) => e.into(),
            AccountsError::Hash(e) => e.into(),
        }
    }
}

impl Account<'_> {
    /// Creates an account and signs it in on `session`: the user, its
    /// address (unverified) and that address's mail, its first device and
    /// the sign-in's activity row in one transaction. The answer is the same
    /// whether or not another account has the address (see `give_address`).
    pub async fn register(
        &self,
        session: &BrowserSession,
        username: &Username,
        email: &EmailAddress,
        password: &NewPassword,
        client: &ClientInfo,
    ) -> Result<CurrentUser, AccountError> {
        let hash = self.accounts.new_account_hash(username, password).await?;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let mut user = self.accounts.insert_account(db, username, &hash).await?;
        self.give_address(db, &user, email, now).await?;
        user.email = EmailStatus::Unverified;
        user.second_factor_needed = self.second_factor_rule == SecondFactorRule::Everyone;
        self.sessions
            .activity_on(db)
            .record(user.id, ActivityKind::AccountCreated, client)
            .await?;
        let (record, _) = self
            .sessions
            .new_device(
                db,
                user.id,
                Via::Password,
                Via::Password.label(),
                false,
                client,
            )
            .await?;
        tx.commit().await?;
        self.mail.wake();
        crate::sessions::start(session, record).await?;
        Ok(user)
    }

    /// Renames `me` (sudo mode). The rules are registration's; the old name
    /// is free at once.
    pub async fn change_username(
        &self,
        me: &Me,
        sudo: &Sudo,
        username: &Username,
        client: &ClientInfo,
    ) -> Result<CurrentUser, AccountError> {
        sudo.covers(me).map_err(|_| AccountError::ConfirmPassword)?;
        let tx = self.store.begin().await?;
        let db = tx.db();
        let renamed = self
            .accounts
            .change_username(db, me.user.id, username)
            .await?;
        self.record_on(db, me, ActivityKind::UsernameChanged, client)
            .await?;
        tx.commit().await?;
        Ok(renamed)
    }

    /// A user's public profile, by name in any case.
    pub async fn profile(&self, username: &str) -> Result<Profile, AccountError> {
        Ok(self.accounts.profile(username).await?)
    }

    /// Edits the profile named `target`, which must be `me`'s own.
    pub async fn update_profile(
        &self,
        me: &Me,
        target: &str,
        update: &ProfileUpdate,
    ) -> Result<Profile, AccountError> {
        if !self
            .verified_as_needed(self.store.db(), me.user.id, |v| v.profile)
            .await?
        {
            return Err(AccountError::EmailNotVerified);
        }
        Ok(self
            .accounts
            .update_profile(me.user.id, target, update)
            .await?)
    }

    /// Deletes `me`'s account after checking the factors a sign-in takes
    /// (the password, and a code with a second factor): the user and, by
    /// cascade in the same transaction, their profile, devices, sessions,
    /// remember tokens and activity, and their throttle records. This browser
    /// is left anonymous.
    pub async fn delete_account(
        &self,
        session: &BrowserSession,
        me: &Me,
        typed_username: &str,
        password: Option<&PasswordAttempt>,
        code: Option<&str>,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        // The username typed out says this is the account meant (not a slip
        // in a browser signed in to another one); checked first, so a
        // mistyped one costs no password attempt.
        let key = |name: &str| Username::parse(name).map(|name| name.key()).ok();
        if key(typed_username).is_none() || key(typed_username) != key(&me.user.username) {
            return Err(AccountError::NotYourUsername(me.user.username.clone()));
        }
        self.check_sign_in_factors(me, password, code, client)
            .await?;
        let tx = self.store.begin().await?;
        let db = tx.db();
        // The last admin who can act stays: deleting them would
        // leave no one to run the console.
        db.lock_admins().await?;
        if super::admin::is_last_admin(db, me.user.id).await? {
            return Err(AccountError::LastAdmin);
        }
        if !self.accounts.delete_account(db, me.user.id).await? {
            return Err(AccountError::NotFound);
        }
        tx.commit().await?;
        session.flush().await?;
        tracing::info!(user = me.user.id.0, "account deleted");
        Ok(())
    }

    /// `me`'s address and mail choices.
    pub async fn email_settings(&self, me: &Me) -> Result<EmailSettings, AccountError> {
        let settings = self
            .store
            .db()
            .email_settings(me.user.id)
            .await?
            .ok_or(AccountError::NotFound)?;
        let status = match (&settings.email, settings.verified) {
            (None, _) => EmailStatus::Missing,
            (Some(_), false) => EmailStatus::Unverified,
            (Some(_), true) => EmailStatus::Verified,
        };
        Ok(EmailSettings {
            email: settings.email,
            status,
            new_device_notices: settings.notify_new_device,
        })
    }

    /// Whether `me` is mailed when a browser they have not used before
    /// signs in to their account (it goes only to a confirmed address).
    pub async fn set_new_device_notices(&self, me: &Me, on: bool) -> Result<(), AccountError> {
        Ok(self
            .store
            .db()
            .set_new_device_notices(me.user.id, on)
            .await?)
    }
}
