use latchkey::domain::{CurrentUser, ReturnTo};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::use_auth;
use crate::platform;

/// Renders `children` for the signed-in user; anyone else is sent to the log-in
/// page with a `next` that brings them back. During SSR that is a 303 before any
/// content is sent, so nothing protected ever flashes on screen.
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
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
                    Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => children(user).into_any(),
                            Ok(None) => {
                                let search = location.search.get_untracked();
                                let search = search.trim_start_matches('?');
                                let mut here = location.pathname.get_untracked();
                                if !search.is_empty() {
                                    here = format!("{here}?{search}");
                                }
                                platform::see_other(&ReturnTo::or_home(Some(&here)).login_url());
                                view! { <p class="loading">"Redirecting to log in…"</p> }.into_any()
                            }
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}
