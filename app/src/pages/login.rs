use latchkey::domain::{Field, LoginReason};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::LogIn;
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CurrentPasswordField, FormAlert, PageTitle, RememberMe, SubmitButton, TextField,
};

/// `/login`: username, password, "Remember me"; returns to `?next=` afterwards.
#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let log_in = auth.action::<LogIn>(&[Changes::User]);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // Why a page sent the visitor here, in our words (the address holds a
    // code, never text).
    let reason = move || {
        query
            .read()
            .get("why")
            .and_then(|code| LoginReason::parse(&code))
            .map(LoginReason::message)
    };
    let error = action_error(log_in);
    view! {
        <PageTitle text="Log in"/>
        <section class="card">
            <h1>"Log in"</h1>
            {move || reason().map(|reason| view! { <p class="alert alert-info" role="status">{reason}</p> })}
            <FormAlert error/>
            <ActionForm action=log_in>
                <input type="hidden" name="next" value=next/>
                // Given back by the server when a form sent without
                // JavaScript is refused (never the password).
                <TextField
                    label="Username"
                    field=Field::Username
                    error
                    autocomplete="username"
                    required=true
                    value=query.with_untracked(|q| q.get("username")).unwrap_or_default()
                />
                <CurrentPasswordField error/>
                <RememberMe/>
                <SubmitButton pending=log_in.pending().into() label="Log in" pending_label="Logging in…"/>
            </ActionForm>
            <p class="aside"><A href="/reset">"Forgot your password?"</A>" · "<A href="/login/email">"Email me a sign-in link"</A></p>
            <p class="aside">"New here? " <A href="/register">"Create an account"</A></p>
        </section>
    }
}
