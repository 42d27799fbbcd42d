//! Browser side of the few things that differ between SSR and the browser.

use http::StatusCode;
use latchkey::domain::LoginReason;
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

thread_local! {
    /// Whether this page has seen someone signed in who did not log out.
    static SIGNED_IN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Records whether someone is signed in (false when they log out).
pub fn note_signed_in(signed_in: bool) {
    SIGNED_IN.with(|seen| seen.set(signed_in));
}

/// Why nobody is signed in: `None` if nobody was; else, if someone was
/// signed in here and did not log out, their session ended (only the server
/// knows why).
pub async fn why_signed_out() -> Option<LoginReason> {
    SIGNED_IN
        .with(std::cell::Cell::get)
        .then_some(LoginReason::Ended)
}
