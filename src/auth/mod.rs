//! The use cases: one method for each thing a user can do, as phx.gen.auth's
//! accounts context has them. Each takes domain types (it parses nothing),
//! runs its writes in one transaction, records its own activity, and answers
//! one error enum, [`AuthError`]. Server functions and other hosts only read
//! the request, parse, call one of these and map the answer.
//!
//! Two steps stay outside the transaction, on purpose: password hashing (so
//! no lock is held for its milliseconds) and the session row, which the
//! session layer writes through its own store once the transaction is
//! committed (on SQLite, writing it inside would wait on our own lock).

/// Declares a capability context: a view of [`Auth`] for one request,
/// made by `Auth::$accessor()`, whose use cases answer the context's own
/// error enum. It reaches the composition root's services through `Deref`.
macro_rules! context {
    ($(#[$doc:meta])* $name:ident, $accessor:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            auth: &'a $crate::auth::Auth,
        }

        impl std::ops::Deref for $name<'_> {
            type Target = $crate::auth::Auth;

            fn deref(&self) -> &$crate::auth::Auth {
                self.auth
            }
        }

        impl $crate::auth::Auth {
            #[doc = concat!("The [`", stringify!($name), "`] context.")]
            pub fn $accessor(&self) -> $name<'_> {
                $name { auth: self }
            }
        }
    };
}

mod admin;
mod admin_cli;
mod admin_error;
mod change_email;
mod check;
mod devices;
mod email;
mod email_error;
mod error;
mod factor_error;
mod factors;
mod failure;
mod mailed;
mod notices;
mod passkey_proof;
mod passkeys;
mod passwords;
mod recovery_codes;
mod reset;
mod scope;
mod sign_in;
mod sudo;
#[cfg(test)]
mod tests;
mod who;

pub use admin::{Admin, AdminError};
pub use devices::{DeviceError, Devices};
pub use email::Links;
pub use email_error::{Email, EmailError};
pub use error::AuthError;
pub use factor_error::{FactorError, Factors};
pub use factors::Factor;
pub use failure::Failure;
pub use mailed::{VerifiedFor, LINK_ANSWER_TIME};
pub use scope::{Scope, Shell};
pub use sudo::{AdminSudo, Sudo};
pub(crate) use who::count_sign_in;
pub use who::{Me, SignIn, SignInOutcome};

use crate::sessions::BrowserSession;
use tower_sessions::cookie::Cookie;

use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::domain::{
    ActivityKind, CurrentUser, EmailAddress, EmailStatus, NewPassword, PasswordAttempt, Profile,
    ProfileUpdate, SecondFactorRule, Username,
};
use crate::mail::MailWaker;
use crate::sessions::{ClientInfo, Resumed, SessionPolicy, Via};
use crate::store::{Db, Store, StoreError};
use crate::throttle::{KnownBrowser, KnownBrowsers};

/// Latchkey's use cases over one database.
#[derive(Clone)]
pub struct Auth {
    store: Store,
    clock: Clock,
    accounts: Accounts,
    sessions: SessionPolicy,
    browsers: KnownBrowsers,
    links: Links,
    mail: MailWaker,
    verified_for: VerifiedFor,
    secrets: Option<crate::factors::SecretBox>,
    relying_party: Result<crate::factors::RelyingParty, String>,
    second_factor_rule: SecondFactorRule,
}

impl Auth {
    /// The use cases over these services, which share one store and clock
    /// (the accounts' store; the sessions' clock).
    pub fn new(accounts: Accounts, sessions: SessionPolicy, browsers: KnownBrowsers) -> Self {
        Self {
            store: accounts.store().clone(),
            clock: sessions.clock().clone(),
            accounts,
            sessions,
            browsers,
            links: Links::default(),
            mail: MailWaker::default(),
            verified_for: VerifiedFor::default(),
            secrets: None,
            relying_party: Err("no relying party is configured".into()),
            second_factor_rule: SecondFactorRule::default(),
        }
    }

    /// These use cases, with `rule` saying who must have a second factor.
    pub fn with_second_factor_rule(mut self, rule: SecondFactorRule) -> Self {
        self.second_factor_rule = rule;
        self
    }

    /// These use cases, waking `mail`'s worker whenever they queue mail.
    pub fn with_mail_waker(mut self, mail: MailWaker) -> Self {
        self.mail = mail;
        self
    }

    /// These use cases, with the links in their mail under `links`.
    pub fn with_links(mut self, links: Links) -> Self {
        self.links = links;
        self
    }

    /// These use cases, with `needs` saying which need a verified address.
    pub fn with_verified_for(mut self, needs: VerifiedFor) -> Self {
        self.verified_for = needs;
        self
    }

    /// The cookie marking a browser as one `user` signed in from: for
    /// registration, which signs in too.
    pub fn known_browser_cookie(&self, user: &CurrentUser) -> Cookie<'static> {
        self.browsers.issue(user.id)
    }

    /// The cookie that ends a browser's known-browser cookie: for an
    /// account deletion, after which it names no one.
    pub fn forget_browser_cookie(&self) -> Cookie<'static> {
        self.browsers.clear()
    }

    /// The known browser a request's `Cookie` header names, if its
    /// known-browser cookie is one this server signed: what a sign-in takes
    /// to throttle this browser apart from strangers.
    pub fn recognise_browser(&self, cookie_header: Option<&str>) -> Option<KnownBrowser> {
        cookie_header.and_then(|header| self.browsers.recognise(header))
    }

    /// The account service (throttle sweeps, health checks).
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The session rules (the session table, lifetimes).
    pub fn sessions(&self) -> &SessionPolicy {
        &self.sessions
    }

    /// Who is signed in on `session`, if anyone: one indexed read. A session
    /// past its lifetimes, or whose device or account is gone, is anonymous.
    pub async fn current_user(&self, session: &BrowserSession) -> Result<Option<Me>, AuthError> {
        let Some((at, mut user, confirmed)) = self.sessions.signed_in_user(session).await? else {
            return Ok(None);
        };
        // A second read only where the rule asks everyone for a factor.
        if self.second_factor_rule == SecondFactorRule::Everyone {
            user.second_factor_needed = !self.store.db().has_second_factor(user.id).await?;
        }
        Ok(Some(Me {
            user,
            at,
            confirmed,
        }))
    }

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
    ) -> Result<CurrentUser, AuthError> {
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
        let (user, record) = (user, record);
        self.mail.wake();
        crate::sessions::start(session, record).await?;
        Ok(user)
    }

    /// Signs out: the session and its device are deleted. Answers whether
    /// anyone was signed in.
    pub async fn log_out(
        &self,
        session: &BrowserSession,
        client: &ClientInfo,
    ) -> Result<bool, AuthError> {
        Ok(self.sessions.log_out(session, client).await?)
    }

    /// Signs a browser with no live session back in from its remember-me
    /// cookie; `None` when its session is alive (nothing to do).
    pub async fn resume(
        &self,
        session: &BrowserSession,
        cookie: &str,
        client: &ClientInfo,
    ) -> Result<Option<Resumed>, AuthError> {
        if self.sessions.signed_in(session).await?.is_some() {
            return Ok(None);
        }
        let now = self.clock.seconds();
        let on_theft = async |db: Db<'_>, user| {
            self.notice_remember_theft(db, user, now).await?;
            Ok(())
        };
        let resumed = self
            .sessions
            .tokens()
            .resume(session, cookie, client, on_theft)
            .await?;
        if matches!(resumed, Resumed::TheftSuspected) {
            self.mail.wake();
        }
        let outcome = match resumed {
            Resumed::SignedIn { .. } => "success",
            Resumed::Rejected => "failure",
            Resumed::TheftSuspected => "theft",
            Resumed::Raced => "raced",
        };
        count_sign_in("remembered", outcome);
        Ok(Some(resumed))
    }

    /// Whether `me` gave the password lately on this session (sudo mode).
    pub fn sudo_active(&self, me: &Me) -> bool {
        self.sessions.sudo_active(me.confirmed)
    }

    /// Renames `me` (sudo mode). The rules are registration's; the old name
    /// is free at once.
    pub async fn change_username(
        &self,
        me: &Me,
        sudo: &Sudo,
        username: &Username,
        client: &ClientInfo,
    ) -> Result<CurrentUser, AuthError> {
        sudo.covers(me)?;
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
    pub async fn profile(&self, username: &str) -> Result<Profile, AuthError> {
        Ok(self.accounts.profile(username).await?)
    }

    /// Edits the profile named `target`, which must be `me`'s own.
    pub async fn update_profile(
        &self,
        me: &Me,
        target: &str,
        update: &ProfileUpdate,
    ) -> Result<Profile, AuthError> {
        self.require_verified(self.store.db(), me.user.id, |v| v.profile)
            .await?;
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
    ) -> Result<(), AuthError> {
        // The username typed out says this is the account meant (not a slip
        // in a browser signed in to another one); checked first, so a
        // mistyped one costs no password attempt.
        let key = |name: &str| Username::parse(name).map(|name| name.key()).ok();
        if key(typed_username).is_none() || key(typed_username) != key(&me.user.username) {
            return Err(AuthError::NotYourUsername(me.user.username.clone()));
        }
        self.check_sign_in_factors(me, password, code, client)
            .await?;
        let tx = self.store.begin().await?;
        let db = tx.db();
        // The last admin who can act stays: deleting them would
        // leave no one to run the console.
        db.lock_admins().await?;
        if admin::is_last_admin(db, me.user.id).await? {
            return Err(AuthError::LastAdmin);
        }
        if !self.accounts.delete_account(db, me.user.id).await? {
            return Err(AuthError::NotFound);
        }
        tx.commit().await?;
        session.flush().await?;
        tracing::info!(user = me.user.id.0, "account deleted");
        Ok(())
    }

    /// Whether "Remember me" is offered at all.
    pub fn remembers(&self) -> bool {
        self.sessions.lifetimes().remembers()
    }

    /// For how many whole days "Remember me" keeps a device signed in (0:
    /// not offered).
    pub fn remember_days(&self) -> u32 {
        let days = self.sessions.lifetimes().remembered.as_secs() / (24 * 60 * 60);
        u32::try_from(days).unwrap_or(u32::MAX)
    }

    /// Records `kind` in `me`'s activity, inside the transaction of `db`.
    async fn record_on(
        &self,
        db: Db<'_>,
        me: &Me,
        kind: ActivityKind,
        client: &ClientInfo,
    ) -> Result<(), StoreError> {
        self.sessions
            .activity_on(db)
            .record(me.user.id, kind, client)
            .await
    }

    fn require_sudo(&self, me: &Me) -> Result<(), AuthError> {
        match self.sudo_active(me) {
            true => Ok(()),
            false => Err(AuthError::ConfirmPassword),
        }
    }
}
