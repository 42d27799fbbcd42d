use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{RequestSignInLink, SignInWithLink};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, query_token, EmailField, FormAlert, PageTitle, RememberMe, SubmitButton,
};

/// `/login/email`: sign in without the password, by a link mailed to the
/// account's address (the page never says whether the address has one).
#[component]
pub fn LoginEmailPage() -> impl IntoView {
    let auth = use_auth();
    let request = auth.action::<RequestSignInLink>(&[Changes::Message]);
    let error = action_error(request);
    view! {
        <PageTitle text="Sign in by email"/>
        <section class="card">
            <h1>"Sign in by email"</h1>
            <p class="muted">"Give your account's email address and we will mail you a link that signs you in. It works once, for 10 minutes."</p>
            <FormAlert error/>
            <ActionForm action=request>
                <EmailField error/>
                <SubmitButton pending=request.pending().into() label="Email me a link" pending_label="Sending…"/>
            </ActionForm>
            <p class="aside">"Know your password? " <A href="/login">"Log in with it"</A></p>
        </section>
    }
}

/// `/login/email/confirm?token=` (from the mail): a button that signs this
/// browser in. Opening the link signs nobody in, so a mail scanner that
/// follows links cannot use it up.
#[component]
pub fn LinkSignInPage() -> impl IntoView {
    let auth = use_auth();
    let sign_in = auth.action::<SignInWithLink>(&[Changes::User]);
    let error = action_error(sign_in);
    let token = query_token();
    view! {
        <PageTitle text="Sign in"/>
        <section class="card">
            <h1>"Sign in to Latchkey"</h1>
            <p class="muted">"This link signs you in on this browser, once."</p>
            <FormAlert error/>
            <ActionForm action=sign_in>
                <input type="hidden" name="token" value=token/>
                <RememberMe/>
                <SubmitButton pending=sign_in.pending().into() label="Sign in" pending_label="Signing in…"/>
            </ActionForm>
            <p class="aside"><A href="/login/email">"Ask for a new link"</A></p>
        </section>
    }
}
