//! [`Visit`]: one request as the core sees it (its session, client and
//! known browser), with the use cases that set or clear cookies, so that a
//! host's handler never writes a `Set-Cookie` itself.

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::{Browser, Client, Kit, Refusal, SetCookies};
use crate::auth::{AccountError, SignInError, SignInOutcome};
use crate::domain::{CurrentUser, EmailAddress, NewPassword, PasswordAttempt, Username};
use crate::sessions::{BrowserSession, ClientInfo};
use crate::throttle::KnownBrowser;

/// The request a handler serves, inside [`Kit::around`].
#[derive(Clone)]
pub struct Visit {
    /// The kit (and through it the use cases).
    pub kit: Kit,
    /// The browser's server-side session.
    pub session: BrowserSession,
    /// Where the request comes from.
    pub client: ClientInfo,
    /// The account this browser's known-browser cookie names, if any.
    pub browser: Option<KnownBrowser>,
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let kit = Kit::from_request_parts(parts, state).await?;
        let session = super::extract::session_of(parts)?;
        let Ok(Client(client)) = Client::from_request_parts(parts, state).await;
        let Browser(browser) = Browser::from_request_parts(parts, state).await?;
        Ok(Self {
            kit,
            session,
            client,
            browser,
        })
    }
}

impl Visit {
    /// Registers an account and signs this browser in to it.
    pub async fn register(
        &self,
        username: &Username,
        email: &EmailAddress,
        password: &NewPassword,
    ) -> Result<CurrentUser, AccountError> {
        self.kit
            .auth()
            .account()
            .register(&self.session, username, email, password, &self.client)
            .await
    }

    /// Logs in with a password; the cookies are the sign-in's when the
    /// browser is signed in, none when a second step is needed.
    pub async fn log_in(
        &self,
        username: &str,
        password: &PasswordAttempt,
        remember: bool,
    ) -> Result<(SetCookies, SignInOutcome), SignInError> {
        let (session, client) = (&self.session, &self.client);
        let outcome = self
            .kit
            .auth()
            .sign_in()
            .log_in(
                session,
                username,
                password,
                remember,
                client,
                self.browser.as_ref(),
            )
            .await?;
        let cookies = match &outcome {
            SignInOutcome::SignedIn(signed_in) => self.kit.sign_in_cookies(signed_in),
            SignInOutcome::SecondStepNeeded => SetCookies(Vec::new()),
        };
        Ok((cookies, outcome))
    }

    /// Logs out: this device is signed out and its remember cookie deleted.
    pub async fn log_out(&self) -> Result<SetCookies, SignInError> {
        self.kit
            .auth()
            .sign_in()
            .log_out(&self.session, &self.client)
            .await?;
        Ok(self.kit.log_out_cookies())
    }
}
