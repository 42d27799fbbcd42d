//! Server-side plumbing shared by the server functions.

use std::error::Error;
use std::sync::Arc;

use latchkey::accounts::{AccountError, Accounts};
use latchkey::domain::{CurrentUser, Field, Flash};
use latchkey::sessions::{
    self, ClientInfo, RememberCookie, SessionError, SessionPolicy, SignedInAs,
};
use latchkey::throttle::{AddressLimits, RetryAfter};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::ApiError;

/// The request's session, as the session layer left it in the request's
/// extensions. Read in place: `leptos_axum::extract` would clone the whole
/// request head (every header) for each call, and every server function makes one.
pub fn session() -> Result<Session, ApiError> {
    with_request(|parts| parts.extensions.get::<Session>().cloned())
        .flatten()
        .ok_or_else(|| {
            tracing::error!("the session layer is missing");
            ApiError::Internal
        })
}

/// Reads the request's head, which leptos_axum provides as context, without copying it.
fn with_request<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Option<R> {
    with_context::<http::request::Parts, _>(read)
}

/// The account service the server provided as context (shared, so taking it
/// from the context is a counter increment, not a copy of its pools).
pub fn accounts() -> Result<Arc<Accounts>, ApiError> {
    use_context::<Arc<Accounts>>().ok_or_else(|| {
        tracing::error!("the Accounts service is missing from the context");
        ApiError::Internal
    })
}

/// The session rules the server provided as context.
pub fn session_policy() -> Result<Arc<SessionPolicy>, ApiError> {
    use_context::<Arc<SessionPolicy>>().ok_or_else(|| {
        tracing::error!("the SessionPolicy is missing from the context");
        ApiError::Internal
    })
}

/// How the server writes the remember-me cookie.
pub fn remember_cookie() -> Result<RememberCookie, ApiError> {
    use_context::<RememberCookie>().ok_or_else(|| {
        tracing::error!("the RememberCookie settings are missing from the context");
        ApiError::Internal
    })
}

/// Adds a `Set-Cookie` header to the response.
pub fn send_cookie(set_cookie: &str) {
    let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(set_cookie),
    ) else {
        tracing::error!("could not set a cookie on the response");
        return;
    };
    response.append_header(http::header::SET_COOKIE, value);
}

/// The signed-in user and which of their devices is asking.
#[derive(Clone)]
pub struct Me {
    /// The user.
    pub user: CurrentUser,
    /// Their session and device.
    pub at: SignedInAs,
}

/// Who is signed in, looked up at most once per request: an SSR page runs
/// several server functions (the current user, the page's own data), and each
/// would otherwise repeat the session, device and user look-ups. It is the
/// identity the request started with; the actions that change it (log in, log
/// out) do not read it afterwards.
#[derive(Clone, Default)]
pub struct RequestIdentity(Arc<tokio::sync::OnceCell<Option<Me>>>);

/// The signed-in user, if any. An expired session, one whose device was signed
/// out, or one whose account is gone, is anonymous.
pub async fn signed_in(session: &Session) -> Result<Option<Me>, ApiError> {
    match use_context::<RequestIdentity>() {
        Some(identity) => identity
            .0
            .get_or_try_init(|| look_up(session))
            .await
            .cloned(),
        None => look_up(session).await,
    }
}

async fn look_up(session: &Session) -> Result<Option<Me>, ApiError> {
    Ok(session_policy()?
        .signed_in_user(session)
        .await?
        .map(|(at, user)| Me { user, at }))
}

/// The signed-in user, or `NotLoggedIn`.
pub async fn require_user(session: &Session) -> Result<Me, ApiError> {
    signed_in(session).await?.ok_or(ApiError::NotLoggedIn)
}

/// Refuses a sensitive action unless this session gave the password within
/// the last ten minutes ("sudo mode").
pub async fn require_sudo(session: &Session) -> Result<(), ApiError> {
    if session_policy()?.sudo_active(session).await? {
        Ok(())
    } else {
        Err(ApiError::ConfirmPassword)
    }
}

/// Checks `password` as the signed-in user's: a blank one or a wrong one is a
/// message on the password field.
pub async fn check_password(me: &Me, password: &str) -> Result<(), ApiError> {
    use latchkey::domain::PasswordAttempt;

    let attempt = PasswordAttempt::parse(password)
        .map_err(|_| ApiError::field(Field::Password, "Enter your password."))?;
    match accounts()?.verify_password(me.user.id, &attempt).await {
        Err(AccountError::InvalidCredentials) => Err(ApiError::field(
            Field::Password,
            "That is not your password.",
        )),
        other => Ok(other?),
    }
}

/// The browser and address of the request, for the device list and activity.
pub fn client_info() -> ClientInfo {
    with_request(|parts| client_of(&parts.headers, &parts.extensions))
        .unwrap_or_else(|| ClientInfo::new(None, None))
}

/// The address the request came from.
pub fn client_ip() -> Option<std::net::IpAddr> {
    with_request(|parts| address_of(&parts.extensions)).flatten()
}

/// The browser and address of a request head: the one place both are read,
/// for server functions and the server's middleware alike. The address is the
/// connection's, or the client's behind trusted proxies (the server's
/// forwarded-address layer puts it there).
pub fn client_of(headers: &http::HeaderMap, extensions: &http::Extensions) -> ClientInfo {
    let user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientInfo::new(user_agent, address_of(extensions))
}

fn address_of(extensions: &http::Extensions) -> Option<std::net::IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The per-address limits the server provided as context.
pub fn address_limits() -> Result<AddressLimits, ApiError> {
    use_context::<AddressLimits>().ok_or_else(|| {
        tracing::error!("the AddressLimits are missing from the context");
        ApiError::Internal
    })
}

impl From<RetryAfter> for ApiError {
    fn from(wait: RetryAfter) -> Self {
        ApiError::TooManyAttempts(wait.0)
    }
}

/// Queues a flash message for the next page.
pub async fn flash(session: &Session, flash: Flash) -> Result<(), ApiError> {
    Ok(sessions::push_flash(session, flash).await?)
}

/// Seconds a client is asked to wait when the database is unavailable.
pub const UNAVAILABLE_RETRY: u64 = 5;

/// Sets the response status from the error, for API calls and SSR alike. A form
/// posted without JavaScript is answered with a redirect back to the form (the
/// error travels in its URL), so its status is left alone.
pub fn finish<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let (Err(e), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        if !is_plain_form_post() {
            response.set_status(e.status());
        }
        match e {
            ApiError::TooManyAttempts(seconds) => {
                response.insert_header(http::header::RETRY_AFTER, (*seconds).into());
            }
            ApiError::Unavailable => {
                response.insert_header(http::header::RETRY_AFTER, UNAVAILABLE_RETRY.into());
            }
            _ => {}
        }
    }
    result
}

fn is_plain_form_post() -> bool {
    with_request(|parts| {
        let accepts_html = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        parts.method == http::Method::POST && parts.uri.path().starts_with("/api/") && accepts_html
    })
    .unwrap_or(false)
}

/// Logs an internal failure with its cause chain; the user sees only "internal".
pub fn internal(what: &str, error: &dyn Error) -> ApiError {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "{what}");
    ApiError::Internal
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::UsernameTaken => {
                ApiError::field(Field::Username, "That username is taken.")
            }
            AccountError::UsernameUnchanged => {
                ApiError::field(Field::Username, "That is already your username.")
            }
            AccountError::InvalidCredentials => ApiError::InvalidCredentials,
            AccountError::Forbidden => {
                ApiError::Forbidden("You are not allowed to do that.".into())
            }
            AccountError::NotFound => ApiError::NotFound("There is no such user.".into()),
            AccountError::Throttled(wait) => wait.into(),
            AccountError::WeakPassword(message) => ApiError::field(Field::Password, message),
            AccountError::Store(ref store) if store.is_unavailable() => unavailable(&e),
            AccountError::Store(_) | AccountError::Hash(_) => {
                internal("account operation failed", &e)
            }
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match &e {
            SessionError::Store(store) if !store.is_unavailable() => {
                internal("session store failed", &e)
            }
            SessionError::Session(tower_sessions::session::Error::SerdeJson(_)) => {
                internal("session data could not be read", &e)
            }
            // The session store's own failures reach us only as text; the
            // only thing that fails it is the database it lives in.
            _ => unavailable(&e),
        }
    }
}

/// Logs a passing database outage; the user is asked to retry.
fn unavailable(error: &dyn Error) -> ApiError {
    tracing::warn!(error = %error, "the database is unavailable");
    ApiError::Unavailable
}
