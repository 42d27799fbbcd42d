//! The host kit: what an axum app puts around its routes to run the core,
//! the same layers the Latchkey server runs. One [`Kit`] gives
//! - the session layer (tower-sessions over Latchkey's session table, the
//!   cookie carrying only the session's id, `__Host-` and `Secure` over HTTPS),
//! - remember-me resume (a browser whose session ended is signed back in
//!   from its remember cookie, which is rotated),
//! - the cross-site check ([`Origins`]: 403 for a state-changing request
//!   another site sent),
//! - the client's address ([`super::ClientAddress`], behind trusted proxies
//!   the one they forwarded),
//!
//! and, through the request's extensions, what the extractors
//! ([`super::SignedIn`], [`super::Client`], [`super::Browser`]) need.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;
use tower_sessions::cookie::{Cookie, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::forwarded::{record_client_address, TrustedProxies};
use super::{Origins, Refusal};
use crate::accounts::Accounts;
use crate::auth::{Auth, SignIn, SignInError};
use crate::clock::Clock;
use crate::password::{HashCost, HashError, PasswordHasher};
use crate::sessions::{
    BrowserSession, ClientInfo, Lifetimes, RememberCookie, RememberToken, Resumed, SessionPolicy,
};
use crate::store::{Store, StoreError};
use crate::throttle::KnownBrowsers;

/// What a state-changing request from another site is answered with.
pub type CrossSiteAnswer = Arc<dyn Fn() -> Response + Send + Sync>;

/// The core and the layers around it, for one axum app. Cheap to clone.
#[derive(Clone)]
pub struct Kit(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    auth: Arc<Auth>,
    secure: bool,
    remember: RememberCookie,
    origins: Origins,
    proxies: usize,
    cross_site: CrossSiteAnswer,
}

/// Why a [`Kit`] could not be made from a store.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password hasher could not start.
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl Kit {
    /// A kit around `auth`. `secure` says the site is served over HTTPS
    /// (secure cookies with the `__Host-` prefix, and an `https` origin);
    /// it must equal what `auth`'s known-browser key was loaded with.
    /// State-changing requests are taken from the request's own `Host`
    /// until [`Kit::public_origin`] says which origin is the site's.
    pub fn new(auth: Arc<Auth>, secure: bool) -> Self {
        let remember = RememberCookie {
            secure,
            max_age: auth.sessions().lifetimes().remembered,
        };
        Self(Arc::new(Inner {
            auth,
            secure,
            remember,
            origins: Origins::new(secure, &[], None),
            proxies: 0,
            cross_site: Arc::new(|| Refusal::CrossSite.into_response()),
        }))
    }

    /// A kit with the core's defaults over `store`: the system clock, the
    /// default password cost and session lifetimes. For a host that wants
    /// no more than accounts and sessions.
    pub async fn standard(store: Store, secure: bool) -> Result<Self, KitError> {
        let clock = Clock::system();
        let hasher = PasswordHasher::new(HashCost::default(), 2)?;
        let accounts = Accounts::new(store.clone(), hasher, clock.clone());
        let browsers = KnownBrowsers::load(&store, secure).await?;
        let sessions = SessionPolicy::new(store, clock, Lifetimes::default());
        Ok(Self::new(
            Arc::new(Auth::new(accounts, sessions, browsers)),
            secure,
        ))
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner::clone(&self.0);
        change(&mut inner);
        Self(Arc::new(inner))
    }

    /// The site's own origin (`https://app.example`), and others trusted to
    /// send state-changing requests. Set it in production: without it, a
    /// name an attacker points at the server (DNS rebinding) passes as ours.
    pub fn public_origin(self, public: Option<&str>, trusted: &[String]) -> Self {
        self.with(|inner| inner.origins = Origins::new(inner.secure, trusted, public))
    }

    /// How many proxies in front of the app append to `X-Forwarded-For`
    /// (0, the default, ignores the header).
    pub fn trusted_proxies(self, proxies: usize) -> Self {
        self.with(|inner| inner.proxies = proxies)
    }

    /// What a cross-site request is answered with (by default a
    /// [`Refusal::CrossSite`]), for a client that expects its own shape.
    pub fn cross_site_answer(self, answer: CrossSiteAnswer) -> Self {
        self.with(|inner| inner.cross_site = answer)
    }

    /// The use cases.
    pub fn auth(&self) -> &Arc<Auth> {
        &self.0.auth
    }

    /// How the remember cookie is written.
    pub fn remember_cookie(&self) -> RememberCookie {
        self.0.remember
    }

    /// The session cookie's name.
    pub fn session_cookie_name(&self) -> &'static str {
        crate::sessions::session_cookie_name(self.0.secure)
    }

    /// The cookies a sign-in sets: the known-browser cookie, and the
    /// remember cookie when "Remember me" was ticked.
    pub fn sign_in_cookies(&self, signed_in: &SignIn) -> SetCookies {
        let mut cookies = vec![signed_in.known_browser.clone()];
        if let Some(token) = &signed_in.remember {
            cookies.push(self.0.remember.set(token));
        }
        SetCookies(cookies)
    }

    /// The cookies a log-out sets: the remember cookie deleted.
    pub fn log_out_cookies(&self) -> SetCookies {
        SetCookies(vec![self.0.remember.clear()])
    }

    /// Remember-me resume on the routes `router` has so far (not on routes
    /// or services added later, such as static files, which should never
    /// start a session). [`Kit::around`] must wrap the result.
    pub fn resume<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router.route_layer(middleware::from_fn_with_state(self.clone(), resume))
    }

    /// The session layer, the cross-site check and the client's address
    /// around everything in `router` (innermost first).
    pub fn around<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        let sessions = SessionManagerLayer::new(self.0.auth.sessions().table())
            .with_name(self.session_cookie_name())
            .with_secure(self.0.secure)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_path("/")
            .with_expiry(Expiry::OnSessionEnd);
        router
            .layer(middleware::from_fn_with_state(self.clone(), provide))
            .layer(sessions)
            .layer(middleware::from_fn_with_state(
                self.clone(),
                refuse_cross_site,
            ))
            .layer(middleware::from_fn_with_state(
                TrustedProxies(self.0.proxies),
                record_client_address,
            ))
    }

    /// [`Kit::resume`] and [`Kit::around`]: everything in `router` gets all of it.
    pub fn apply<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        self.around(self.resume(router))
    }
}

/// `Set-Cookie` headers to add to a response.
#[derive(Debug, Clone)]
pub struct SetCookies(pub Vec<Cookie<'static>>);

impl axum::response::IntoResponseParts for SetCookies {
    type Error = std::convert::Infallible;

    fn into_response_parts(
        self,
        mut parts: axum::response::ResponseParts,
    ) -> Result<axum::response::ResponseParts, Self::Error> {
        for cookie in self.0 {
            if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
                parts.headers_mut().append(SET_COOKIE, value);
            }
        }
        Ok(parts)
    }
}

impl IntoResponse for SetCookies {
    fn into_response(self) -> Response {
        (self, ()).into_response()
    }
}

/// Puts the kit in the request's extensions, for the extractors.
async fn provide(State(kit): State<Kit>, mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(kit);
    next.run(request).await
}

/// 403 for a state-changing request from another site.
async fn refuse_cross_site(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    if kit.0.origins.allows(request.method(), request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        origin = ?request.headers().get(http::header::ORIGIN),
        "refused a cross-site request"
    );
    (kit.0.cross_site)()
}

/// Signs a browser back in from its remember cookie when it has no live
/// session, then passes the rotated (or cleared) cookie on, unless the
/// handler set one itself (logging in or out).
async fn resume(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    let remember = kit.0.remember;
    let presented = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| remember.read(header));
    let session = request.extensions().get::<Session>().cloned();
    let session = session.map(BrowserSession::from);
    let (Some(presented), Some(session)) = (presented, session) else {
        return next.run(request).await;
    };
    let client = super::client_of(request.headers(), request.extensions());
    let set_cookie = match resumed(&kit, &session, &presented, &client).await {
        Ok(set_cookie) => set_cookie,
        Err(e) => {
            tracing::error!(error = %e, "could not resume a remembered session");
            None
        }
    };
    let mut response = next.run(request).await;
    let handler_set_it = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| remember.is_set_by(v)));
    if let (false, Some(value)) = (
        handler_set_it,
        set_cookie.and_then(|c| HeaderValue::from_str(&c.to_string()).ok()),
    ) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

async fn resumed(
    kit: &Kit,
    session: &BrowserSession,
    presented: &str,
    client: &ClientInfo,
) -> Result<Option<Cookie<'static>>, SignInError> {
    let remember = kit.0.remember;
    let Some(token) = RememberToken::parse(presented) else {
        // A cookie that holds no token of ours can never sign in: it goes.
        return Ok(Some(remember.clear()));
    };
    Ok(
        match kit.0.auth.sign_in().resume(session, &token, client).await? {
            Some(Resumed::SignedIn { token, lasts }) => Some(remember.set_rotated(&token, lasts)),
            Some(Resumed::Rejected | Resumed::TheftSuspected) => Some(remember.clear()),
            Some(Resumed::Raced) | None => None,
        },
    )
}
