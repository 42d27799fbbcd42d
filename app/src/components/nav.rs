use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::platform;

/// The top bar: brand, and either the signed-in user with Log out, or Log in / Register.
#[component]
pub fn Nav() -> impl IntoView {
    let auth = use_auth();
    let pending = auth.log_out.pending();
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
                                        <ActionForm
                                            action=auth.log_out
                                            attr:class="inline"
                                            on:submit=|_| platform::note_signed_in(false)
                                        >
                                            <button type="submit" class="button link" disabled=move || pending.get()>
                                                "Log out"
                                            </button>
                                        </ActionForm>
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
