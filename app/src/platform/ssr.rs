//! Server side of the few things that differ between SSR and the browser.

use http::{header, HeaderValue, StatusCode};
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

/// Whether this request came with a session cookie: a browser that was
/// signed in, if nobody is signed in now, has seen its session end.
pub fn had_session() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split('=').next())
            .any(|name| {
                name == latchkey::sessions::SESSION_COOKIE
                    || name == latchkey::sessions::SECURE_SESSION_COOKIE
            })
    })
}

/// The browser's own record of being signed in; the server reads cookies.
pub fn note_signed_in(_signed_in: bool) {}
