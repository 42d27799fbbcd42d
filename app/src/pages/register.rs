use latchkey::domain::{Field, Username};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::Register;
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, EmailField, FormAlert, NewPasswordField, PageTitle, SubmitButton, TextField,
    USERNAME_HINT,
};

/// `/register`: a username, an email address and a password; signed in on
/// success, with a link on its way to confirm the address.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = use_auth();
    let register = auth.action::<Register>(&[Changes::User]);
    let error = action_error(register);
    // Without JavaScript a refused form comes back drawn anew: the server
    // gives back the username typed (never the password) in the address.
    let typed = use_query_map()
        .with_untracked(|q| q.get("username"))
        .unwrap_or_default();
    let (username, set_username) = signal(typed.clone());
    view! {
        <PageTitle text="Register"/>
        <section class="card">
            <h1>"Create your account"</h1>
            <FormAlert error/>
            <ActionForm action=register>
                <TextField
                    label="Username"
                    field=Field::Username
                    error
                    autocomplete="username"
                    hint=USERNAME_HINT
                    required=true
                    maxlength=Username::MAX_LEN
                    value=typed
                    on_input=Callback::new(move |v| set_username.set(v))
                />
                <EmailField error hint="We send a link to confirm it. Nobody else sees it."/>
                <NewPasswordField label="Password" field=Field::Password error username/>
                <SubmitButton pending=register.pending().into() label="Create account" pending_label="Creating…"/>
            </ActionForm>
            <p class="aside">"Already have an account? " <A href="/login">"Log in"</A></p>
        </section>
    }
}
