use leptos::prelude::*;

use crate::api::VerifyEmail;
use crate::auth::{use_auth, Changes};
use crate::components::{action_error, query_token, FormAlert, PageTitle, SubmitButton};

/// `/verify?token=` (from the mail sent to a new address): a button that
/// confirms the address. Opening the link changes nothing by itself, so a
/// mail scanner that follows links cannot confirm an address for its owner.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let auth = use_auth();
    let verify = auth.action::<VerifyEmail>(&[Changes::User]);
    let error = action_error(verify);
    let token = query_token();
    view! {
        <PageTitle text="Confirm your email address"/>
        <section class="card">
            <h1>"Confirm your email address"</h1>
            <p class="muted">"This confirms that the address this link was mailed to is yours."</p>
            <FormAlert error/>
            <ActionForm action=verify>
                <input type="hidden" name="token" value=token/>
                <SubmitButton pending=verify.pending().into() label="Confirm my address" pending_label="Confirming…"/>
            </ActionForm>
        </section>
    }
}
