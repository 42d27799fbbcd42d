//! Signing in: with the password, or with a link mailed to the account's
//! address. Either way the browser gets a new session id and a new device in
//! place of its previous one, and an account that asked for them gets a
//! notice when a browser it has not used before signs in.

use tower_sessions::Session;

use super::mailed::SIGN_IN_LINK;
use super::{Auth, AuthError, SignIn};
use crate::domain::{CurrentUser, EmailAddress, PasswordAttempt};
use crate::sessions::{self, ClientInfo, Via};
use crate::store::Store;
use crate::throttle::KnownBrowser;

impl Auth {
    /// Signs in by name and password, under a new session id. A wrong
    /// password is recorded in the account's activity (if there is one);
    /// the answer is the same either way. With `remember`, the device gets a
    /// token for its own cookie. `cookies` is the request's `Cookie` header:
    /// a browser whose known-browser cookie names this account is throttled
    /// on its own, apart from everyone else's guesses.
    pub async fn log_in(
        &self,
        session: &Session,
        username: &str,
        password: &PasswordAttempt,
        remember: bool,
        client: &ClientInfo,
        cookies: Option<&str>,
    ) -> Result<SignIn, AuthError> {
        let browser = cookies.and_then(|header| self.browsers.recognise(header));
        let user = match self
            .accounts
            .authenticate_from(username, password, browser.as_ref())
            .await
        {
            Err(crate::accounts::AccountError::InvalidCredentials) => {
                self.sessions
                    .activity()
                    .record_failed_sign_in(username, client)
                    .await?;
                return Err(AuthError::InvalidCredentials);
            }
            other => other?,
        };
        let by = SignedInBy {
            via: Via::Password,
            remember,
            browser: browser.as_ref(),
            client,
        };
        self.sign_in_as(session, by, async |_, _| Ok(user)).await
    }

    /// Mails a link that signs in without the password to the account that
    /// holds `email` (verified, unless configured otherwise). The answer is
    /// the same, and takes at least [`super::LINK_ANSWER_TIME`], whether or
    /// not one does; an account gets at most five an hour.
    pub async fn request_sign_in_link(&self, email: &EmailAddress) -> Result<(), AuthError> {
        self.mail_link(email, &SIGN_IN_LINK).await
    }

    /// Signs in on this browser with a mailed link, once, within 15 minutes
    /// of asking. Following it confirms an unverified address. It does not
    /// open sudo mode: that still takes the password.
    pub async fn sign_in_with_link(
        &self,
        session: &Session,
        token: &str,
        remember: bool,
        client: &ClientInfo,
        cookies: Option<&str>,
    ) -> Result<SignIn, AuthError> {
        let browser = cookies.and_then(|header| self.browsers.recognise(header));
        let by = SignedInBy {
            via: Via::EmailLink,
            remember,
            browser: browser.as_ref(),
            client,
        };
        let who = async |store: &Store, now| {
            let id = self.take_link(store, token, &SIGN_IN_LINK, now).await?;
            store
                .find_current_user(id)
                .await?
                .ok_or(AuthError::LinkInvalid)
        };
        self.sign_in_as(session, by, who).await
    }

    /// Signs in on this browser whoever `who` answers (inside the
    /// transaction, at its `now`): a new device in place of the browser's
    /// previous one, its activity row, its token with "Remember me", and the
    /// new-device notice if one is due; then a new session id.
    async fn sign_in_as(
        &self,
        session: &Session,
        by: SignedInBy<'_>,
        who: impl AsyncFnOnce(&Store, i64) -> Result<CurrentUser, AuthError>,
    ) -> Result<SignIn, AuthError> {
        let now = self.clock.now();
        let previous = sessions::previous(session).await?;
        let (user, record, remember, noticed) = self
            .store
            .transaction(|store| async move {
                let user = who(&store, now).await?;
                let (record, remember, noticed) =
                    by.record(self, &store, previous, &user, now).await?;
                Ok::<_, AuthError>((user, record, remember, noticed))
            })
            .await?;
        if noticed {
            self.mail.wake();
        }
        sessions::start(session, record).await?;
        Ok(SignIn {
            known_browser: self.browsers.issue(user.id),
            user,
            remember,
        })
    }
}

/// How a browser is signing in.
#[derive(Clone, Copy)]
struct SignedInBy<'a> {
    via: Via,
    remember: bool,
    browser: Option<&'a KnownBrowser>,
    client: &'a ClientInfo,
}

impl SignedInBy<'_> {
    /// On `store`, inside the sign-in's transaction: the new device in place
    /// of `previous`, its activity row, its token with "Remember me", and
    /// the new-device notice if one is due (answers whether it was queued).
    async fn record(
        self,
        auth: &Auth,
        store: &Store,
        previous: Option<sessions::SignedIn>,
        user: &CurrentUser,
        now: i64,
    ) -> Result<(sessions::SignedIn, Option<sessions::RememberToken>, bool), AuthError> {
        let (record, token) = auth
            .sessions
            .on(store.clone())
            .replace_device(previous, user.id, self.via, self.remember, self.client)
            .await?;
        let noticed = auth
            .notice_new_device(store, user.id, self.browser, self.client, now)
            .await?;
        Ok((record, token, noticed))
    }
}
