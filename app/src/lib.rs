//! Latchkey's Leptos app: the shell, the routes, and the shared auth context.

pub mod api;
pub mod auth;
mod components;
pub mod pages;

// The few things that differ between SSR and the browser, chosen once here.
#[cfg(feature = "ssr")]
#[path = "platform/ssr.rs"]
mod platform;
#[cfg(not(feature = "ssr"))]
#[path = "platform/client.rs"]
mod platform;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, Lazy, SsrMode};

use crate::auth::provide_auth;
use crate::components::{
    provide_route_focus, EmailBanner, FlashArea, Nav, RouteAnnouncer, SkipLink,
};
use crate::pages::{
    Activity, Admin, AdminAudit, AdminUser, Confirm, DeleteAccount, Devices, EditProfile,
    EmailChangeConfirm, EmailChangeUndo, EmailSettings, Factor, HomePage, LinkSignIn, Login,
    LoginEmail, NotFoundPage, Password, Register, ResetConfirm, ResetRequest, Security,
    UserProfile, Username, Verify,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    platform::content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta
                    name="description"
                    content="Latchkey: sign in, manage your profile, your devices and your account's activity."
                />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The stylesheet's name changes with its contents (see
                // `hash-files` in Cargo.toml); only the server knows it.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app. Every route renders in `Async` mode, so a page's status and
/// redirects are decided before its first byte is sent.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Latchkey"/>
        <Router>
            <Layout/>
        </Router>
    }
}

/// Nav, flash area and pages. The auth context is created here, inside the
/// router, because the router is what hands a no-JavaScript form's error (carried
/// in the URL) to the server actions as they are created.
#[component]
fn Layout() -> impl IntoView {
    provide_auth();
    provide_route_focus();
    // Effects run only in the browser, after hydration: the mark tells tests
    // (and anyone curious) that the page is now interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <SkipLink/>
        <Nav/>
        <RouteAnnouncer/>
        <main id="content" tabindex="-1">
            <FlashArea/>
            <EmailBanner/>
            <FlatRoutes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view={Lazy::<Login>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/register") view={Lazy::<Register>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/users/:username") view={Lazy::<UserProfile>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/profile") view={Lazy::<EditProfile>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/username") view={Lazy::<Username>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/password") view={Lazy::<Password>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/devices") view={Lazy::<Devices>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/activity") view={Lazy::<Activity>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/delete") view={Lazy::<DeleteAccount>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/confirm") view={Lazy::<Confirm>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/verify") view={Lazy::<Verify>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset") view={Lazy::<ResetRequest>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset/confirm") view={Lazy::<ResetConfirm>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login/email") view={Lazy::<LoginEmail>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login/email/confirm") view={Lazy::<LinkSignIn>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/email") view={Lazy::<EmailSettings>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/email/confirm") view={Lazy::<EmailChangeConfirm>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/email/undo") view={Lazy::<EmailChangeUndo>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login/factor") view={Lazy::<Factor>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/settings/security") view={Lazy::<Security>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin") view={Lazy::<Admin>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/users/:id") view={Lazy::<AdminUser>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view={Lazy::<AdminAudit>::new()} ssr=SsrMode::Async/>
            </FlatRoutes>
        </main>
    }
}
