//! Signing in: with the password, or with a link mailed to the account's
//! address. Either way the browser gets a new session id and a new device in
//! place of its previous one, and an account that asked for them gets a
//! notice when a browser it has not used before signs in.

use crate::sessions::BrowserSession;

use super::mailed::SIGN_IN_LINK;
use super::{Auth, Factor, SignIn, SignInError, SignInOutcome, SigningIn};
use crate::domain::{CurrentUser, EmailAddress, PasswordAttempt};
use crate::sessions::{self, ClientInfo, RememberToken, Resumed, Via};
use crate::store::Db;
use crate::throttle::KnownBrowser;

impl SigningIn<'_> {
    /// Signs in by name and password, under a new session id. A wrong
    /// password is recorded in the account's activity (if there is one);
    /// the answer is the same either way. With `remember`, the device gets a
    /// token for its own cookie. `browser` is what the request's
    /// known-browser cookie says ([`Auth::recognise_browser`]): a browser
    /// that signed in to this account before is throttled on its own, apart
    /// from everyone else's guesses.
    pub async fn log_in(
        &self,
        session: &BrowserSession,
        username: &str,
        password: &PasswordAttempt,
        remember: bool,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        use crate::accounts::Error as E;
        let user = match self
            .accounts
            .authenticate_from(username, password, browser)
            .await
        {
            Ok(user) => user,
            Err(E::InvalidCredentials) => {
                super::count_sign_in("password", "failure");
                self.sessions
                    .activity()
                    .record_failed_sign_in(username, client)
                    .await?;
                return Err(SignInError::InvalidCredentials);
            }
            Err(E::Throttled(wait)) => {
                super::count_sign_in("password", "throttled");
                return Err(SignInError::Throttled(wait));
            }
            Err(E::Store(e)) => return Err(e.into()),
            Err(E::Hash(e)) => return Err(e.into()),
            // Checking a name and password answers nothing else.
            Err(
                E::UsernameTaken
                | E::UsernameUnchanged
                | E::WeakPassword(_)
                | E::Forbidden
                | E::NotFound,
            ) => return Err(SignInError::InvalidCredentials),
        };
        let by = SignedInBy {
            via: Via::Password,
            remember,
            browser,
            client,
            factor: None,
        };
        self.sign_in_as(session, by, async |_, _| Ok(user)).await
    }

    /// Mails a link that signs in without the password to the account that
    /// holds `email` (verified, unless configured otherwise). The answer is
    /// the same, and takes at least [`super::LINK_ANSWER_TIME`], whether or
    /// not one does; an account gets at most five an hour.
    pub async fn request_link(&self, email: &EmailAddress) -> Result<(), SignInError> {
        Ok(self.mail_link(email, &SIGN_IN_LINK).await?)
    }

    /// Signs in on this browser with a mailed link, once, within 10 minutes
    /// of asking. Following it confirms an unverified address. It does not
    /// open sudo mode: that still takes the password.
    pub async fn with_link(
        &self,
        session: &BrowserSession,
        token: &str,
        remember: bool,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        let by = SignedInBy {
            via: Via::EmailLink,
            remember,
            browser,
            client,
            factor: None,
        };
        let who = async |db: Db<'_>, now| {
            let id = self
                .take_link(db, token, &SIGN_IN_LINK, now)
                .await?
                .ok_or(SignInError::LinkInvalid)?;
            db.find_current_user(id)
                .await?
                .ok_or(SignInError::LinkInvalid)
        };
        self.sign_in_as(session, by, who).await
    }

    /// The second step of a sign-in whose account has a second factor: the
    /// code (an authenticator code or a recovery code) signs this browser
    /// in, if its first step was less than five minutes ago. Wrong codes
    /// are throttled per account and recorded.
    pub async fn complete(
        &self,
        session: &BrowserSession,
        code: &str,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        let now = self.clock.seconds();
        let pending = sessions::pending(session, now)
            .await?
            .ok_or(SignInError::SignInExpired)?;
        let factor = self.check_factor(pending.user, code, client).await?;
        sessions::clear_pending(session).await?;
        let by = SignedInBy {
            via: pending.via,
            remember: pending.remember,
            browser,
            client,
            factor: Some(factor),
        };
        let who = async |db: Db<'_>, _| {
            db.find_current_user(pending.user)
                .await?
                .ok_or(SignInError::SignInExpired)
        };
        self.sign_in_as(session, by, who).await
    }

    /// Signs out: the session and its device are deleted. Answers whether
    /// anyone was signed in.
    pub async fn log_out(
        &self,
        session: &BrowserSession,
        client: &ClientInfo,
    ) -> Result<bool, SignInError> {
        Ok(self.sessions.log_out(session, client).await?)
    }

    /// Signs a browser with no live session back in with the token its
    /// remember-me cookie holds (parsed at the edge); `None` when its session
    /// is alive (nothing to do).
    pub async fn resume(
        &self,
        session: &BrowserSession,
        token: &RememberToken,
        client: &ClientInfo,
    ) -> Result<Option<Resumed>, SignInError> {
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
            .resume(session, token, client, on_theft)
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
        super::count_sign_in("remembered", outcome);
        Ok(Some(resumed))
    }
}

impl Auth {
    /// Signs in on this browser whoever `who` answers (inside the
    /// transaction, at its `now`): a new device in place of the browser's
    /// previous one, its activity row, its token with "Remember me", and the
    /// new-device notice if one is due; then a new session id. An account
    /// with a second factor that has not given it yet is held as pending
    /// instead ([`SignInOutcome::SecondStepNeeded`]).
    pub(super) async fn sign_in_as(
        &self,
        session: &BrowserSession,
        by: SignedInBy<'_>,
        who: impl AsyncFnOnce(Db<'_>, i64) -> Result<CurrentUser, SignInError>,
    ) -> Result<SignInOutcome, SignInError> {
        let method = match by.factor {
            Some(_) => "second_step",
            None => by.via.code(),
        };
        let result = self.sign_in_once(session, by, who).await;
        let outcome = match &result {
            Ok(SignInOutcome::SignedIn(_)) => "success",
            Ok(SignInOutcome::SecondStepNeeded) => "factor_needed",
            Err(SignInError::AccountLocked(_)) => "locked",
            Err(_) => "failure",
        };
        super::count_sign_in(method, outcome);
        result
    }

    async fn sign_in_once(
        &self,
        session: &BrowserSession,
        by: SignedInBy<'_>,
        who: impl AsyncFnOnce(Db<'_>, i64) -> Result<CurrentUser, SignInError>,
    ) -> Result<SignInOutcome, SignInError> {
        let now = self.clock.seconds();
        let previous = sessions::previous(session).await?;
        let tx = self.store.begin().await?;
        let db = tx.db();
        let user = who(db, now).await?;
        // Every way in comes here: a locked account gets none, also
        // when the lock commits while this sign-in runs.
        if let Some(why) = db.lock_reason_held(user.id).await? {
            return Err(SignInError::AccountLocked(why));
        }
        let outcome = if by.factor.is_none()
            && by.via != Via::Passkey
            && self.has_second_factor(db, user.id).await?
        {
            // This browser's previous sign-in ends here either way.
            if let Some(previous) = previous {
                db.delete_device(previous.user, previous.device).await?;
            }
            Decided::Pending(user.id)
        } else {
            let (record, remember, noticed) = by.record(self, db, previous, &user, now).await?;
            Decided::SignedIn {
                user,
                record,
                remember,
                noticed,
            }
        };
        tx.commit().await?;
        let (user, record, remember, noticed) = match outcome {
            Decided::SignedIn {
                user,
                record,
                remember,
                noticed,
            } => (user, record, remember, noticed),
            Decided::Pending(user) => {
                let pending = sessions::Pending {
                    user,
                    since: now,
                    remember: by.remember,
                    via: by.via,
                };
                sessions::hold_pending(session, pending).await?;
                return Ok(SignInOutcome::SecondStepNeeded);
            }
        };
        if noticed {
            self.mail.wake();
        }
        sessions::start(session, record).await?;
        Ok(SignInOutcome::SignedIn(Box::new(SignIn {
            known_browser: self.browsers.issue(user.id),
            user,
            remember,
        })))
    }
}

/// What a sign-in's transaction decided.
enum Decided {
    /// The new device, its remember-me token, and whether a notice was queued.
    SignedIn {
        user: CurrentUser,
        record: sessions::SignedIn,
        remember: Option<sessions::RememberToken>,
        noticed: bool,
    },
    /// The account's second factor comes next.
    Pending(crate::domain::UserId),
}

/// How a browser is signing in.
#[derive(Clone, Copy)]
pub(super) struct SignedInBy<'a> {
    pub(super) via: Via,
    pub(super) remember: bool,
    pub(super) browser: Option<&'a KnownBrowser>,
    pub(super) client: &'a ClientInfo,
    /// The second factor given, if any.
    pub(super) factor: Option<Factor>,
}

impl SignedInBy<'_> {
    /// How the device list will say it signed in.
    fn how(&self) -> &'static str {
        match (self.via, self.factor) {
            (via, None) => via.label(),
            (Via::Password, Some(Factor::Totp)) => "password and authenticator code",
            (Via::Password, Some(Factor::RecoveryCode)) => "password and recovery code",
            (Via::Password, Some(Factor::Passkey)) => "password and passkey",
            (Via::EmailLink, Some(Factor::Totp)) => "emailed link and authenticator code",
            (Via::EmailLink, Some(Factor::RecoveryCode)) => "emailed link and recovery code",
            (Via::EmailLink, Some(Factor::Passkey)) => "emailed link and passkey",
            (Via::Passkey, Some(_)) => "passkey",
        }
    }

    /// On `db`, inside the sign-in's transaction: the new device in place
    /// of `previous`, its activity row, its token with "Remember me", and
    /// the new-device notice if one is due (answers whether it was queued).
    async fn record(
        self,
        auth: &Auth,
        db: Db<'_>,
        previous: Option<sessions::SignedIn>,
        user: &CurrentUser,
        now: i64,
    ) -> Result<(sessions::SignedIn, Option<sessions::RememberToken>, bool), SignInError> {
        let (record, token) = auth
            .sessions
            .replace_device(
                db,
                previous,
                user.id,
                self.via,
                self.how(),
                self.remember,
                self.client,
            )
            .await?;
        if let Some(factor) = self.factor {
            auth.sessions
                .activity_on(db)
                .record(user.id, factor.activity(), self.client)
                .await?;
        }
        let mut noticed = auth
            .notice_new_device(db, user.id, self.browser, self.client, now)
            .await?;
        if self.factor == Some(Factor::RecoveryCode) {
            noticed |= auth
                .notice_recovery_code_used(db, user.id, self.client, now)
                .await?;
        }
        Ok((record, token, noticed))
    }
}
