//! The use cases: one method for each thing a user can do, as phx.gen.auth's
//! accounts context has them. Each takes domain types (it parses nothing),
//! runs its writes in one transaction, records its own activity, and answers
//! one error enum, [`SignInError`]. Server functions and other hosts only read
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

mod account;
mod admin;
mod admin_cli;
mod admin_error;
mod change_email;
mod check;
mod devices;
mod email;
mod email_error;
mod factor_error;
mod factors;
mod failure;
mod mailed;
mod notices;
mod passkey_proof;
mod passkeys;
mod password_error;
mod passwords;
mod recovery_codes;
mod reset;
mod scope;
mod sign_in;
mod sign_in_error;
mod sudo;
mod sudo_mode;
#[cfg(test)]
mod tests;
mod who;

pub use account::{Account, AccountError};
pub use admin::{Admin, AdminError};
pub use admin_cli::Operator;
pub use devices::{DeviceError, Devices};
pub use email::Links;
pub use email_error::{Email, EmailError};
pub use factor_error::{FactorError, Factors};
pub use factors::Factor;
pub use failure::Failure;
pub use mailed::{VerifiedFor, LINK_ANSWER_TIME};
pub use password_error::{PasswordError, Passwords};
pub use scope::{Scope, Shell};
pub use sign_in_error::{SignInError, SigningIn};
pub use sudo::{AdminSudo, Sudo};
pub use sudo_mode::{SudoError, SudoMode};
pub(crate) use who::count_sign_in;
pub use who::{Me, SignIn, SignInOutcome};

use crate::sessions::BrowserSession;
use tower_sessions::cookie::Cookie;

use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::domain::{ActivityKind, CurrentUser, SecondFactorRule};
use crate::mail::MailWaker;
use crate::sessions::{ClientInfo, SessionPolicy};
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
    pub async fn current_user(&self, session: &BrowserSession) -> Result<Option<Me>, Failure> {
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

    /// Whether `me` gave the password lately on this session (sudo mode).
    pub fn sudo_active(&self, me: &Me) -> bool {
        self.sessions.sudo_active(me.confirmed)
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
}
