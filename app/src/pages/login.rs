use latchkey::domain::{Field, LoginReason};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{LogIn, PasskeySignIn};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, checkbox_ticked, offer_passkey_autofill, CurrentPasswordField, FormAlert,
    PageTitle, PasskeyButton, PasskeyStep, RememberMe, SubmitButton, TextField,
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
    // A passkey signs in without the form: chosen from the username
    // field's autofill, or through the button.
    let passkey = auth.action::<PasskeySignIn>(&[Changes::User]);
    let passkey_error = action_error(passkey);
    let use_passkey = Callback::new(move |credential: String| {
        passkey.dispatch(PasskeySignIn {
            credential,
            remember: checkbox_ticked("remember").then(|| "on".to_string()),
            next: Some(next()),
        });
    });
    offer_passkey_autofill(use_passkey);
    view! {
        <PageTitle text="Log in"/>
        <section class="card">
            <h1>"Log in"</h1>
            {move || reason().map(|reason| view! { <p class="alert alert-info" role="status">{reason}</p> })}
            <FormAlert error/>
            <FormAlert error=passkey_error/>
            <ActionForm action=log_in>
                <input type="hidden" name="next" value=next/>
                // Given back by the server when a form sent without
                // JavaScript is refused (never the password).
                <TextField
                    label="Username"
                    field=Field::Username
                    error
                    autocomplete="username webauthn"
                    required=true
                    value=query.with_untracked(|q| q.get("username")).unwrap_or_default()
                />
                <CurrentPasswordField error/>
                <RememberMe/>
                <SubmitButton pending=log_in.pending().into() label="Log in" pending_label="Logging in…"/>
            </ActionForm>
            <div class="passkey-sign-in">
                <PasskeyButton step=PasskeyStep::SignIn label="Sign in with a passkey" on_answer=use_passkey pending=passkey.pending()/>
            </div>
            <p class="aside"><A href="/reset">"Forgot your password?"</A>" · "<A href="/login/email">"Email me a sign-in link"</A></p>
            <p class="aside">"New here? " <A href="/register">"Create an account"</A></p>
        </section>
    }
}
