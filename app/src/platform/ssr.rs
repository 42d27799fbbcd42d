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
