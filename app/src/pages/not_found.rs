use http::StatusCode;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::PageTitle;
use crate::platform;

/// Any unknown address: a 404 with a way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    platform::set_status(StatusCode::NOT_FOUND);
    view! {
        <PageTitle text="Not found"/>
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><A href="/">"Go to the home page"</A></p>
        </section>
    }
}
