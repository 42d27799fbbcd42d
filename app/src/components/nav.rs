use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

use crate::api::LogOut;
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
                                        // A plain form (it works without JavaScript); with
                                        // it, the action is dispatched in place. Not an
                                        // ActionForm: its form decoder would be in every
                                        // page's first download for this one button.
                                        <form
                                            method="post"
                                            action=LogOut::url()
                                            class="inline"
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                platform::note_signed_in(false);
                                                auth.log_out.dispatch(LogOut {});
                                            }
                                        >
                                            <button type="submit" class="button link" disabled=move || pending.get()>
                                                "Log out"
                                            </button>
                                        </form>
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
