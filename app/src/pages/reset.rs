use latchkey::domain::Field;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{RequestPasswordReset, ResetPassword};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, query_token, EmailField, FormAlert, NewPasswordField, PageTitle, SubmitButton,
};

/// `/reset`: forgot your password? Give your address; a link comes if it is
/// an account's (the page never says whether it is).
#[component]
pub fn ResetRequestPage() -> impl IntoView {
    let auth = use_auth();
    let request = auth.action::<RequestPasswordReset>(&[Changes::Message]);
    let error = action_error(request);
    view! {
        <PageTitle text="Forgot your password"/>
        <section class="card">
            <h1>"Forgot your password?"</h1>
            <p class="muted">"Give the email address you confirmed, and we will mail you a link to set a new password."</p>
            <FormAlert error/>
            <ActionForm action=request>
                <EmailField error/>
                <SubmitButton pending=request.pending().into() label="Send the link" pending_label="Sending…"/>
            </ActionForm>
            <p class="aside">"Remembered it? " <A href="/login">"Log in"</A></p>
        </section>
    }
}

/// `/reset/confirm?token=` (from the mail): choose the new password.
#[component]
pub fn ResetConfirmPage() -> impl IntoView {
    let auth = use_auth();
    let reset = auth.action::<ResetPassword>(&[Changes::User]);
    let error = action_error(reset);
    let token = query_token();
    view! {
        <PageTitle text="Set a new password"/>
        <section class="card">
            <h1>"Set a new password"</h1>
            <p class="muted">"Every device signed in to your account will be signed out; this browser will be signed in."</p>
            <FormAlert error/>
            <ActionForm action=reset>
                <input type="hidden" name="token" value=token/>
                <NewPasswordField label="New password" field=Field::NewPassword error/>
                <SubmitButton pending=reset.pending().into() label="Set the password" pending_label="Setting…"/>
            </ActionForm>
        </section>
    }
}
