use leptos::prelude::*;

use latchkey::domain::Activity;

use crate::api::{list_activity, ApiError};
use crate::components::{PageTitle, RequireUser, SettingsTabs, When};

/// `/settings/activity` (login required): your account's security events, newest first.
#[component]
pub fn ActivityPage() -> impl IntoView {
    // Outside RequireUser's async block, so server and browser create it in the same order.
    let activity = Resource::new(|| (), |_| list_activity());
    view! {
        <PageTitle text="Activity"/>
        <RequireUser let:_user>
            <ActivityList activity/>
        </RequireUser>
    }
}

#[component]
fn ActivityList(activity: Resource<Result<Vec<Activity>, ApiError>>) -> impl IntoView {
    view! {
        <section class="card settings">
            <SettingsTabs/>
            <h1>"Recent activity"</h1>
            <p class="muted">"Sign-ins, sign-outs and other security events in your account, newest first."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(events) if events.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(events) => view! {
                            <ul class="activity" aria-label="Activity">
                                {events
                                    .into_iter()
                                    .map(|e| view! {
                                        <li>
                                            <p class="device-name">{e.kind.describe()}</p>
                                            <p class="muted small">
                                                <When at=e.at/>
                                                {format!(" · {} on {} · {}", e.browser, e.os, e.ip)}
                                            </p>
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
