//! Browser side of the few things that differ between SSR and the browser.

use http::StatusCode;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Statuses belong to the server's answer; nothing to do in the browser.
pub fn set_status(_status: StatusCode) {}

/// Navigates to `url` in place of the current page.
pub fn see_other(url: &str) {
    let navigate = use_navigate();
    navigate(
        url,
        NavigateOptions {
            replace: true,
            ..Default::default()
        },
    );
}

/// The policy is a response header: nothing to do in the browser.
pub fn content_security_policy() {}
