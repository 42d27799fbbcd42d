use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_auth;
use crate::components::PageTitle;

/// `/`: greets the signed-in user, or offers to log in or register.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <PageTitle text=""/>
        <section class="hero">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => {
                            let profile = format!("/users/{}", user.username);
                            view! {
                                <h1>{format!("Hello, {}", user.display_name)}</h1>
                                <p class="lead">"You are signed in."</p>
                                <p class="actions">
                                    <A href=profile attr:class="button primary">"View your profile"</A>
                                    <A href="/settings/profile" attr:class="button">"Edit your profile"</A>
                                </p>
                            }
                            .into_any()
                        }
                        _ => view! {
                            <h1>"Accounts and sessions, done right."</h1>
                            <p class="lead">
                                "Latchkey keeps your session on the server, your password under argon2id, "
                                "and your data yours."
                            </p>
                            <p class="actions">
                                <A href="/login" attr:class="button primary">"Log in"</A>
                                <A href="/register" attr:class="button">"Register"</A>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
