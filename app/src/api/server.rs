//! Server-side plumbing shared by the server functions.

use std::sync::Arc;

use latchkey::auth::{Auth, Me, SignIn, SignInOutcome};
use latchkey::domain::{Field, Flash};
use latchkey::sessions::{self, BrowserSession, ClientInfo, RememberCookie};
use latchkey::throttle::{AddressLimits, KnownBrowser};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::ApiError;

/// The request's session, as the session layer left it in the request's
/// extensions. Read in place: `leptos_axum::extract` would clone the whole
/// request head (every header) for each call, and every server function makes one.
pub fn session() -> Result<BrowserSession, ApiError> {
    with_request(|parts| parts.extensions.get::<tower_sessions::Session>().cloned())
        .flatten()
        .map(BrowserSession::from)
        .ok_or_else(|| {
            tracing::error!("the session layer is missing");
            ApiError::Internal
        })
}

/// Reads the request's head, which leptos_axum provides as context, without copying it.
fn with_request<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Option<R> {
    with_context::<http::request::Parts, _>(read)
}

/// The use cases the server provided as context (shared, so taking them
/// from the context is a counter increment, not a copy of their pools).
pub fn auth() -> Result<Arc<Auth>, ApiError> {
    use_context::<Arc<Auth>>().ok_or_else(|| {
        tracing::error!("the Auth use cases are missing from the context");
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

/// The cookies a sign-in hands the browser: its remember-me token (with
/// "Remember me") and its known-browser mark; then a welcome.
pub async fn welcome(session: &BrowserSession, signed_in: &SignIn) -> Result<(), ApiError> {
    if let Some(token) = &signed_in.remember {
        send_cookie(remember_cookie()?.set(token));
    }
    send_cookie(&signed_in.known_browser);
    let name = &signed_in.user.display_name;
    flash(session, Flash::success(format!("Welcome back, {name}."))).await
}

/// Where a sign-in goes: signed in, [`welcome`] and on to `next` when it is
/// a local path, else home; the second step pending, to the code page,
/// which comes back to `next` afterwards.
pub async fn welcome_to(
    session: &BrowserSession,
    outcome: &SignInOutcome,
    next: Option<&str>,
) -> Result<(), ApiError> {
    let next = latchkey::domain::ReturnTo::or_home(next);
    match outcome {
        SignInOutcome::SignedIn(signed_in) => {
            welcome(session, signed_in).await?;
            leptos_axum::redirect(next.as_str());
        }
        SignInOutcome::SecondStepNeeded => leptos_axum::redirect(&next.factor_url()),
    }
    Ok(())
}

/// Adds a `Set-Cookie` header to the response: a typed cookie, or a
/// `Set-Cookie` value already written out.
pub fn send_cookie(set_cookie: impl std::fmt::Display) {
    let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&set_cookie.to_string()),
    ) else {
        tracing::error!("could not set a cookie on the response");
        return;
    };
    response.append_header(http::header::SET_COOKIE, value);
}

/// Asks the browser to forget what it keeps for this site (ASVS 5.0
/// 14.3.1): `directives` is the `Clear-Site-Data` list.
pub fn clear_site_data(directives: &'static str) {
    let Some(response) = use_context::<ResponseOptions>() else {
        tracing::error!("could not send Clear-Site-Data");
        return;
    };
    response.insert_header(
        http::HeaderName::from_static("clear-site-data"),
        http::HeaderValue::from_static(directives),
    );
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
pub async fn signed_in(session: &BrowserSession) -> Result<Option<Me>, ApiError> {
    match use_context::<RequestIdentity>() {
        Some(identity) => identity
            .0
            .get_or_try_init(|| look_up(session))
            .await
            .cloned(),
        None => look_up(session).await,
    }
}

async fn look_up(session: &BrowserSession) -> Result<Option<Me>, ApiError> {
    Ok(auth()?.current_user(session).await?)
}

/// The signed-in user, or `NotLoggedIn`; an account the site asks for a
/// second factor it has not set up is refused (`LATCHKEY_REQUIRE_SECOND_FACTOR=everyone`).
pub async fn require_user(session: &BrowserSession) -> Result<Me, ApiError> {
    let me = require_user_setting_up(session).await?;
    match me.user.second_factor_needed {
        true => Err(ApiError::Forbidden(
            super::error::SECOND_FACTOR_FIRST.into(),
        )),
        false => Ok(me),
    }
}

/// The signed-in user, or `NotLoggedIn`, whether or not they still owe the
/// site a second factor: only for what setting one up takes (the security
/// page, sudo mode, adding an authenticator or a passkey) and for confirming
/// the address, which every page's banner offers.
pub async fn require_user_setting_up(session: &BrowserSession) -> Result<Me, ApiError> {
    signed_in(session).await?.ok_or(ApiError::NotLoggedIn)
}

/// A password the signed-in user gives again: a blank one is a message on
/// `field`.
pub fn password_of(
    field: Field,
    password: &str,
) -> Result<latchkey::domain::PasswordAttempt, ApiError> {
    latchkey::domain::PasswordAttempt::parse(password)
        .map_err(|_| ApiError::field(field, "Enter your password."))
}

/// The browser and address of the request, for the device list and activity.
pub fn client_info() -> ClientInfo {
    with_request(|parts| latchkey::web::client_of(&parts.headers, &parts.extensions))
        .unwrap_or_else(|| ClientInfo::new(None, None))
}

/// The address the request came from.
pub fn client_ip() -> Option<std::net::IpAddr> {
    with_request(|parts| latchkey::web::client_address(&parts.extensions)).flatten()
}

/// The known browser the request's known-browser cookie names, if it is
/// one this server signed (see [`latchkey::throttle::KnownBrowsers`]).
pub fn known_browser() -> Result<Option<KnownBrowser>, ApiError> {
    Ok(auth()?.recognise_browser(cookie_header().as_deref()))
}

/// The request's `Cookie` header (every `Cookie` header, joined as one).
pub fn cookie_header() -> Option<String> {
    with_request(|parts| {
        let values: Vec<&str> = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join("; "))
    })
    .flatten()
}

/// The per-address limits the server provided as context.
pub fn address_limits() -> Result<AddressLimits, ApiError> {
    use_context::<AddressLimits>().ok_or_else(|| {
        tracing::error!("the AddressLimits are missing from the context");
        ApiError::Internal
    })
}

/// Queues a flash message for the next page.
pub async fn flash(session: &BrowserSession, flash: Flash) -> Result<(), ApiError> {
    Ok(sessions::push_flash(session, flash).await?)
}

/// Sets the response status from the error, for API calls and SSR alike. A form
/// posted without JavaScript is answered with a redirect back to the form (the
/// error travels in its URL), so its status is left alone.
pub fn finish<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let (Err(e), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        if !is_plain_form_post() {
            response.set_status(e.status());
        }
        match e {
            // Refusals are security events (ASVS 5.0 16.3.2, 16.3.3): logged
            // in the request's span (method, path, request id), without the
            // message, which may quote an admin's reason.
            ApiError::Forbidden(_) => tracing::warn!("refused: not allowed (403)"),
            ApiError::TooManyAttempts(seconds) => {
                tracing::warn!(wait = seconds, "refused: too many attempts (429)");
                response.insert_header(http::header::RETRY_AFTER, (*seconds).into());
            }
            ApiError::Unavailable => {
                response.insert_header(
                    http::header::RETRY_AFTER,
                    latchkey::web::UNAVAILABLE_RETRY_SECONDS.into(),
                );
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
