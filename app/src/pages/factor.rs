use latchkey::domain::Field;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{PasskeyFactor, VerifyFactor};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, FormAlert, PageTitle, PasskeyButton, PasskeyStep, SubmitButton,
};

/// `/login/factor?next=`: a sign-in's second step, for an account with an
/// authenticator app. Nothing else accepts a browser at this step.
#[component]
pub fn FactorPage() -> impl IntoView {
    let auth = use_auth();
    let verify = auth.action::<VerifyFactor>(&[Changes::User]);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = action_error(verify);
    let passkey = auth.action::<PasskeyFactor>(&[Changes::User]);
    let passkey_error = action_error(passkey);
    let use_passkey = Callback::new(move |credential: String| {
        passkey.dispatch(PasskeyFactor {
            credential,
            next: Some(next()),
        });
    });
    view! {
        <PageTitle text="Enter your code"/>
        <section class="card">
            <h1>"Enter your code"</h1>
            <p class="muted">"Your password was right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes, or use a passkey."</p>
            <FormAlert error/>
            <FormAlert error=passkey_error/>
            <ActionForm action=verify>
                <input type="hidden" name="next" value=next/>
                <CodeField error field=Field::Code/>
                <SubmitButton pending=verify.pending().into() label="Sign in" pending_label="Checking…"/>
            </ActionForm>
            <p class="muted">"Or, if you added a passkey:"</p>
            <PasskeyButton step=PasskeyStep::Factor label="Use a passkey" on_answer=use_passkey pending=passkey.pending()/>
            <p class="aside">"Five minutes after the password, this step expires: " <A href="/login">"log in again"</A></p>
        </section>
    }
}
