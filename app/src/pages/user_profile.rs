use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::get_profile;
use crate::auth::use_auth;
use crate::components::PageTitle;

/// `/users/:username`: anyone may read a profile. An unknown name is a 404.
#[component]
pub fn UserProfilePage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let username = move || params.read().get("username").unwrap_or_default();
    let profile = Resource::new(username, get_profile);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let viewer = auth.user.await.ok().flatten();
                match profile.await {
                    Ok(profile) => {
                        let own = viewer.is_some_and(|v| v.username == profile.username);
                        let name = profile.shown_name().to_string();
                        view! {
                            <PageTitle text=name.clone()/>
                            <article class="card profile">
                                <h1>{name}</h1>
                                <p class="handle">"@" {profile.username.clone()}</p>
                                {(!profile.location.is_empty()).then(|| view! {
                                    <p class="location">{profile.location.clone()}</p>
                                })}
                                {if profile.bio.is_empty() {
                                    view! { <p class="bio muted">"No bio yet."</p> }.into_any()
                                } else {
                                    view! { <p class="bio">{profile.bio.clone()}</p> }.into_any()
                                }}
                                {own.then(|| view! {
                                    <p class="actions"><A href="/settings/profile" attr:class="button">"Edit profile"</A></p>
                                })}
                            </article>
                        }
                        .into_any()
                    }
                    Err(e) => view! {
                        <PageTitle text="Not found"/>
                        <section class="card">
                            <h1>"User not found"</h1>
                            <p>{e.to_string()}</p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
