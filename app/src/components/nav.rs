use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::LogOut;
use crate::auth::use_auth;
use crate::components::PostButton;
use crate::platform;

/// The top bar: brand, and either the signed-in user with Log out, or Log in / Register.
#[component]
pub fn Nav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="topbar">
            <nav aria-label="Main">
                <A href="/" attr:class="brand">"Latchkey"</A>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => {
                                platform::note_signed_in(true);
                                let profile = format!("/users/{}", user.username);
                                view! {
                                    <div class="nav-links">
                                        <A href=profile attr:class="nav-user">{user.display_name.clone()}</A>
                                        <A href="/settings/profile">"Settings"</A>
                                        <PostButton
                                            action=auth.log_out
                                            input=LogOut {}
                                            label="Log out"
                                            before=Callback::new(|()| platform::note_signed_in(false))
                                        />
                                    </div>
                                }
                                .into_any()
                            }
                            _ => view! {
                                <div class="nav-links">
                                    <A href="/login">"Log in"</A>
                                    <A href="/register" attr:class="button primary small">"Register"</A>
                                </div>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}
