//! The account lifecycle: register, authenticate, read and edit profiles.

mod error;
#[cfg(test)]
mod tests;

pub use error::{Error, NewPasswordError};

use crate::clock::Clock;
use crate::domain::{
    CurrentUser, EmailStatus, NewPassword, PasswordAttempt, Profile, ProfileUpdate, UserId,
    Username,
};
use crate::password::{PasswordHasher, Verification};
use crate::store::{Db, NewUser, Store, StoreError};
use crate::throttle::{self, AccountThrottle, KnownBrowser};

/// The account service: the store, the hasher and the clock together.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    hasher: PasswordHasher,
    clock: Clock,
    throttle: AccountThrottle,
}

impl Accounts {
    /// Builds the service.
    pub fn new(store: Store, hasher: PasswordHasher, clock: Clock) -> Self {
        Self {
            throttle: AccountThrottle::new(store.clone(), clock.clone()),
            store,
            hasher,
            clock,
        }
    }

    /// The password hasher (recovery codes are hashed by it too).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The per-account throttle on password checks.
    pub fn throttle(&self) -> &AccountThrottle {
        &self.throttle
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Creates an account; the name must be free in every case.
    pub async fn register(
        &self,
        username: &Username,
        password: &NewPassword,
    ) -> Result<CurrentUser, Error> {
        let hash = self.new_account_hash(username, password).await?;
        self.insert_account(self.store.db(), username, &hash).await
    }

    /// The hash to store for a new account's password, after the checks that
    /// need no write: the password is not too easy to guess, the name looks
    /// free. (Hashing is slow, so it happens outside any transaction.)
    pub async fn new_account_hash(
        &self,
        username: &Username,
        password: &NewPassword,
    ) -> Result<String, Error> {
        refuse_weak(password, username.as_str()).await?;
        // A cheap early answer; the unique index below is what guarantees it.
        if self
            .store
            .db()
            .find_credentials(&username.key())
            .await?
            .is_some()
        {
            return Err(Error::UsernameTaken);
        }
        Ok(self.hasher.hash(password).await?)
    }

    /// Inserts the account on `db`; a name taken in any case meanwhile is
    /// `UsernameTaken`.
    pub(crate) async fn insert_account(
        &self,
        db: Db<'_>,
        username: &Username,
        hash: &str,
    ) -> Result<CurrentUser, Error> {
        let new_user = NewUser {
            username,
            password_hash: hash,
            now: self.clock.seconds(),
        };
        match db.insert_user(new_user).await {
            Ok(id) => Ok(CurrentUser {
                id,
                username: username.to_string(),
                display_name: username.to_string(),
                email: EmailStatus::Missing,
                second_factor_needed: false,
            }),
            Err(e) if e.is_unique_violation() => Err(Error::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks a username and password. Unknown names, malformed names and wrong
    /// passwords all cost one argon2 verification and give the same error.
    /// Failures are throttled per name (known or not): after a few, the name is
    /// locked for a doubling while, and a locked name is `Throttled` before any
    /// hash work, whatever the password.
    pub async fn authenticate(
        &self,
        username: &str,
        attempt: &PasswordAttempt,
    ) -> Result<CurrentUser, Error> {
        self.authenticate_from(username, attempt, None).await
    }

    /// [`Self::authenticate`], from `browser` if it is a known one: when it
    /// signed in to this very account before, its attempts are counted and
    /// locked under its own key instead of the account's, so the locks
    /// strangers' guesses set do not reach it (and its own failures lock it
    /// alone, after as many as lock the account).
    pub async fn authenticate_from(
        &self,
        username: &str,
        attempt: &PasswordAttempt,
        browser: Option<&KnownBrowser>,
    ) -> Result<CurrentUser, Error> {
        let find = || async {
            match Username::parse(username) {
                Ok(name) if attempt.is_plausible() => {
                    self.store.db().find_credentials(&name.key()).await
                }
                _ => Ok(None),
            }
        };
        // Only a known browser needs the account before its turn (to see
        // whether the cookie names it); a stranger is refused while the
        // account is locked before any work at all.
        let (key, found) = match browser {
            Some(browser) => {
                let account = find().await?;
                let key = match &account {
                    Some((user, _)) if browser.user == user.id => browser.throttle_key(),
                    _ => throttle::login_key(username),
                };
                (key, Some(account))
            }
            None => (throttle::login_key(username), None),
        };
        self.throttle
            .reserve(&key)
            .await?
            .map_err(Error::Throttled)?;
        let account = match found {
            Some(account) => account,
            None => find().await?,
        };
        let stored = account.as_ref().map(|(_, hash)| hash.as_str());
        match (self.hasher.verify(attempt, stored).await?, account) {
            (Verification::Match { needs_rehash }, Some((user, _))) => {
                self.throttle.succeeded(&key).await?;
                if needs_rehash {
                    self.upgrade_hash(user.id, attempt).await;
                }
                Ok(user)
            }
            // The attempt was counted when it was reserved.
            _ => Err(Error::InvalidCredentials),
        }
    }

    // A failed upgrade must not fail the login: the old hash still works.
    async fn upgrade_hash(&self, id: UserId, attempt: &PasswordAttempt) {
        let result = match self.hasher.rehash(attempt).await {
            Ok(hash) => self
                .store
                .db()
                .update_password_hash(id, &hash, self.clock.seconds())
                .await
                .map_err(Error::from),
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(()) => tracing::info!(
                user = id.0,
                "upgraded a password hash to the configured cost"
            ),
            Err(e) => tracing::warn!(user = id.0, error = %e, "could not upgrade a password hash"),
        }
    }

    /// Checks `user`'s password (for sudo mode, or before a sensitive change).
    /// A wrong one is `InvalidCredentials`; failures are throttled per user as
    /// log-ins are, so a stolen session cannot guess its way into sudo mode.
    pub async fn verify_password(
        &self,
        user: UserId,
        attempt: &PasswordAttempt,
    ) -> Result<(), Error> {
        let key = throttle::user_key(user);
        self.throttle
            .reserve(&key)
            .await?
            .map_err(Error::Throttled)?;
        let stored = self
            .store
            .db()
            .find_password_hash(user)
            .await?
            .ok_or(Error::NotFound)?;
        match self.hasher.verify(attempt, Some(&stored)).await? {
            Verification::Match { .. } => Ok(self.throttle.succeeded(&key).await?),
            Verification::Mismatch => Err(Error::InvalidCredentials),
        }
    }

    /// Replaces `user`'s password, after checking the current one.
    /// A wrong current password is `InvalidCredentials` and changes nothing.
    pub async fn change_password(
        &self,
        user: UserId,
        current: &PasswordAttempt,
        new: &NewPassword,
    ) -> Result<(), Error> {
        self.verify_password(user, current).await?;
        let hash = self.new_password_hash(user, new).await?;
        self.store
            .db()
            .update_password_hash(user, &hash, self.clock.seconds())
            .await?;
        Ok(())
    }

    /// The hash to store for `user`'s new password, which must not be too
    /// easy to guess (their username counting as known).
    pub async fn new_password_hash(
        &self,
        user: UserId,
        new: &NewPassword,
    ) -> Result<String, NewPasswordError> {
        let me = self
            .store
            .db()
            .find_current_user(user)
            .await?
            .ok_or(NewPasswordError::NoSuchUser)?;
        let strength = crate::strength::score(new.expose(), &[&me.username]).await;
        if !strength.acceptable {
            return Err(NewPasswordError::Weak(crate::strength::refusal(&strength)));
        }
        Ok(self.hasher.hash(new).await?)
    }

    /// Renames `user`. The rules are registration's; a name another account has
    /// (in any case) is `UsernameTaken`, the very same name is
    /// `UsernameUnchanged`, and the old name is free at once.
    pub(crate) async fn change_username(
        &self,
        db: Db<'_>,
        user: UserId,
        username: &Username,
    ) -> Result<CurrentUser, Error> {
        let changed = match db.rename_user(user, username, self.clock.seconds()).await {
            Err(e) if e.is_unique_violation() => return Err(Error::UsernameTaken),
            other => other?,
        };
        let me = db.find_current_user(user).await?.ok_or(Error::NotFound)?;
        if !changed {
            return Err(Error::UsernameUnchanged);
        }
        Ok(me)
    }

    /// Deletes `user`'s account: the user row and, by cascade, their profile,
    /// devices, sessions, remember tokens and activity, and the account's
    /// throttle records. The caller checks the password first
    /// ([`crate::auth::Account::delete_account`] does).
    /// Answers whether there was such an account. Every query is on `db`.
    pub(crate) async fn delete_account(
        &self,
        db: Db<'_>,
        user: UserId,
    ) -> Result<bool, StoreError> {
        if let Some(me) = db.find_current_user(user).await? {
            db.clear_throttle(&throttle::login_key(&me.username))
                .await?;
        }
        db.clear_throttle(&throttle::user_key(user)).await?;
        db.delete_user(user).await
    }

    /// The signed-in view of a user; `None` once the account is gone.
    pub async fn current_user(&self, id: UserId) -> Result<Option<CurrentUser>, Error> {
        Ok(self.store.db().find_current_user(id).await?)
    }

    /// The public profile of a user, by name in any case.
    pub async fn profile(&self, username: &str) -> Result<Profile, Error> {
        let name = Username::parse(username).map_err(|_| Error::NotFound)?;
        match self.store.db().find_profile(&name.key()).await? {
            Some((_, profile)) => Ok(profile),
            None => Err(Error::NotFound),
        }
    }

    /// Edits `target`'s profile on behalf of `actor`. Only the owner may: anyone
    /// else (and any unknown target) is refused without a hint of which it was.
    pub async fn update_profile(
        &self,
        actor: UserId,
        target: &str,
        update: &ProfileUpdate,
    ) -> Result<Profile, Error> {
        let name = Username::parse(target).map_err(|_| Error::Forbidden)?;
        let Some((owner, _)) = self.store.db().find_profile(&name.key()).await? else {
            return Err(Error::Forbidden);
        };
        if owner != actor {
            return Err(Error::Forbidden);
        }
        self.store
            .db()
            .update_profile(owner, update, self.clock.seconds())
            .await?;
        self.profile(target).await
    }
}

/// Refuses a password that is too easy to guess, the username counting as
/// known to an attacker.
async fn refuse_weak(password: &NewPassword, username: &str) -> Result<(), Error> {
    let strength = crate::strength::score(password.expose(), &[username]).await;
    if strength.acceptable {
        Ok(())
    } else {
        Err(Error::WeakPassword(crate::strength::refusal(&strength)))
    }
}
