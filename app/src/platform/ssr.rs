//! Server side of the few things that differ between SSR and the browser.

use http::{header, HeaderValue, StatusCode};
use std::sync::Arc;

use latchkey::auth::Auth;
use latchkey::domain::LoginReason;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// Sets the status of the page being rendered.
pub fn set_status(status: StatusCode) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(status);
    }
}

/// Answers the page with `303 See Other` to `url`, before any content is sent.
pub fn see_other(url: &str) {
    let Ok(location) = HeaderValue::from_str(url) else {
        tracing::warn!("refused to redirect to a URL that is not a valid header");
        return;
    };
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(StatusCode::SEE_OTHER);
        response.insert_header(header::LOCATION, location);
    }
}

/// Sends the page's Content-Security-Policy: scripts only from this site or
/// carrying this response's nonce (Leptos puts it on its hydration scripts),
/// no inline anything else, no framing. Under `cargo leptos watch`, the
/// live-reload socket is allowed too.
pub fn content_security_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    let connect = if std::env::var("LEPTOS_WATCH").is_ok() {
        "'self' ws: wss:"
    } else {
        "'self'"
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    match HeaderValue::from_str(&policy) {
        Ok(value) => response.insert_header(header::CONTENT_SECURITY_POLICY, value),
        Err(_) => tracing::error!("the Content-Security-Policy is not a valid header"),
    }
}

/// Why nobody is signed in on this request: `None` if it carried no session
/// cookie (nobody was); else why that session ended, as the core tells.
pub async fn why_signed_out() -> Option<LoginReason> {
    let id = latchkey::sessions::session_id(&crate::api::cookie_header()?)?;
    let Some(auth) = use_context::<Arc<Auth>>() else {
        return Some(LoginReason::Ended);
    };
    match auth.devices().why_signed_out(&id).await {
        Ok(reason) => Some(reason),
        Err(e) => {
            tracing::warn!(error = %e, "could not tell why a session ended");
            Some(LoginReason::Ended)
        }
    }
}

/// The browser's own record of being signed in; the server reads cookies.
pub fn note_signed_in(_signed_in: bool) {}
