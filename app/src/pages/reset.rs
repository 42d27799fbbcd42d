use latchkey::domain::{Field, Trusted};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{reset_link_trusts, RequestPasswordReset, ResetPassword};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, query_token, EmailField, FormAlert, Lately, NewPasswordField, PageTitle,
    SubmitButton, When,
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
    // Created with the page, never after an await: see DevicesPage.
    let trusts = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        reset_link_trusts,
    );
    view! {
        <PageTitle text="Set a new password"/>
        <section class="card">
            <h1>"Set a new password"</h1>
            <p class="muted">"Every device signed in to your account will be signed out; this browser will be signed in."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match trusts.await {
                        Ok(trusted) => view! { <StillTrusted trusted/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
            <FormAlert error/>
            <ActionForm action=reset>
                <input type="hidden" name="token" value=token/>
                <NewPasswordField label="New password" field=Field::NewPassword error/>
                <SubmitButton pending=reset.pending().into() label="Set the password" pending_label="Setting…"/>
            </ActionForm>
        </section>
    }
}

/// What a new password leaves in place: the account's second factors, each
/// marked when it came this week, so that an intruder's stands out.
#[component]
fn StillTrusted(trusted: Trusted) -> impl IntoView {
    if trusted.is_empty() {
        return view! {
            <p>"Your account has no second factor: after this, the new password alone signs in."</p>
        }
        .into_any();
    }
    let since = trusted.lately_since;
    let totp = trusted.totp_since.map(|at| {
        view! { <li>"An authenticator app, turned on " <When at/> " " <Lately at since/></li> }
    });
    let passkeys = trusted
        .passkeys
        .into_iter()
        .map(|(name, at)| view! { <li>{format!("The passkey “{name}”, added ")} <When at/> " " <Lately at since/></li> })
        .collect_view();
    let codes = format!("{} unused recovery codes", trusted.recovery_codes_left);
    view! {
        <div class="alert alert-info" role="status">
            <p><strong>"A new password does not remove what your account also trusts:"</strong></p>
            <ul>{totp} {passkeys} <li>{codes}</li></ul>
            <p>"You will sign in with one of these too. If one is not yours, remove it under Settings, Security once you are in; if it keeps you out, ask the site's administrators to remove it."</p>
        </div>
    }
    .into_any()
}
