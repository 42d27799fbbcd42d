use leptos::prelude::*;
use leptos_router::components::A;

/// The links between the settings pages.
#[component]
pub fn SettingsTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Settings">
            <A href="/settings/profile">"Profile"</A>
            <A href="/settings/username">"Username"</A>
            <A href="/settings/email">"Email"</A>
            <A href="/settings/password">"Password"</A>
            <A href="/settings/security">"Security"</A>
            <A href="/settings/devices">"Devices"</A>
            <A href="/settings/activity">"Activity"</A>
            <A href="/settings/delete">"Delete account"</A>
        </nav>
    }
}
