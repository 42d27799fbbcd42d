use latchkey::domain::{CurrentUser, LoginReason, ReturnTo};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::location::Location;

use crate::api::{sudo_status, ApiError};
use crate::auth::use_auth;
use crate::platform;

/// Renders `children` for the signed-in user; anyone else is sent to the log-in
/// page with a `next` that brings them back. During SSR that is a 303 before any
/// content is sent, so nothing protected ever flashes on screen.
///
/// An account the site asks for a second factor it has not set up yet
/// (`LATCHKEY_REQUIRE_SECOND_FACTOR=everyone`) is sent to the security page
/// instead, unless this page is part of setting one up (`setting_up`). The
/// server refuses such an account its server functions all the same: this
/// is the way there, not the lock.
#[component]
pub fn RequireUser<F, V>(children: F, #[prop(optional)] setting_up: bool) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    guard(None, setting_up, children)
}

/// Like [`RequireUser`], and also needs the password given within the last ten
/// minutes ("sudo mode"): otherwise the user is sent to confirm it first, and
/// comes back here afterwards.
#[component]
pub fn RequireSudo<F, V>(children: F, #[prop(optional)] setting_up: bool) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    // Created with the page, never after an await: see DevicesPage.
    let sudo = Resource::new(move || auth.sudo_version(), |_| sudo_status());
    guard(Some(sudo), setting_up, children)
}

fn guard<F, V>(
    sudo: Option<Resource<Result<bool, ApiError>>>,
    setting_up: bool,
    children: F,
) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    let location = location.clone();
                    Suspend::new(async move {
                        let user = auth.user.await;
                        let confirmed = match sudo {
                            Some(sudo) => sudo.await,
                            None => Ok(true),
                        };
                        match (user, confirmed) {
                            (Ok(Some(user)), _) if !setting_up && auth.owes_second_factor(&user) => {
                                platform::see_other(SECURITY_PAGE);
                                view! { <p class="loading">"Redirecting to set up a second factor…"</p> }.into_any()
                            }
                            (Ok(Some(user)), Ok(true)) => children(user).into_any(),
                            (Ok(None), _) => {
                                let reason = platform::why_signed_out()
                                    .await
                                    .unwrap_or(LoginReason::Needed);
                                platform::see_other(&here(&location).login_url_because(reason));
                                view! { <p class="loading">"Redirecting to log in…"</p> }.into_any()
                            }
                            (Ok(Some(_)), Ok(false)) => {
                                platform::see_other(&here(&location).confirm_url());
                                view! { <p class="loading">"Redirecting to confirm your password…"</p> }.into_any()
                            }
                            (Err(e), _) | (_, Err(e)) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// Where an account that owes the site a second factor sets one up.
const SECURITY_PAGE: &str = "/settings/security";

/// The current page's address, as a place to come back to.
pub(crate) fn here(location: &Location) -> ReturnTo {
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let mut here = location.pathname.get_untracked();
    if !search.is_empty() {
        here = format!("{here}?{search}");
    }
    ReturnTo::or_home(Some(&here))
}
