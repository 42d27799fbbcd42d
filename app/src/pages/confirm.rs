use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use latchkey::domain::{Field, SudoAsks};

use crate::api::{sudo_asks, ConfirmPassword, PasskeySudo};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, CurrentPasswordField, FormAlert, PageTitle, PasskeyButton,
    PasskeyStep, RequireUser, SubmitButton,
};

/// `/settings/confirm?next=` (login required): give the password again before a
/// sensitive action ("sudo mode"), then carry on at `next`.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let auth = use_auth();
    let confirm_password = auth.action::<ConfirmPassword>(&[Changes::Sudo]);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = action_error(confirm_password);
    // With a second factor, sudo mode takes its code too; a passkey does
    // for both.
    let asks = Resource::new(|| (), |_| sudo_asks());
    let passkey = auth.action::<PasskeySudo>(&[Changes::Sudo]);
    let passkey_error = action_error(passkey);
    let use_passkey = Callback::new(move |credential: String| {
        passkey.dispatch(PasskeySudo {
            credential,
            next: Some(next()),
        });
    });
    view! {
        <PageTitle text="Confirm your password"/>
        <RequireUser setting_up=true let:user>
            <section class="card">
                <h1>"Confirm your password"</h1>
                <p class="muted">
                    {format!("You are about to change something sensitive on {}'s account. ", user.username)}
                    "Confirm it is you to continue; you will not be asked again for 10 minutes."
                </p>
                <FormAlert error/>
                <FormAlert error=passkey_error/>
                <Suspense>
                    {move || Suspend::new(async move {
                        let asks = asks.await.unwrap_or(SudoAsks { password: true, code: false, passkey: false });
                        let form = asks.password.then(|| view! {
                            <ActionForm action=confirm_password>
                                <input type="hidden" name="next" value=next/>
                                <CurrentPasswordField error/>
                                {asks.code.then(|| view! { <CodeField error field=Field::Code/> })}
                                <div class="actions">
                                    <SubmitButton pending=confirm_password.pending().into() label="Confirm" pending_label="Checking…"/>
                                    // Back to the settings, not to `next`: that page would
                                    // only ask for the password again.
                                    <a class="button" href="/settings/profile">"Cancel"</a>
                                </div>
                            </ActionForm>
                        });
                        let passkey = asks.passkey.then(|| view! {
                            <p class="muted">
                                {if asks.password { "Or confirm with one of your passkeys, in place of the password and code:" } else { "Your account signs in with passkeys: confirm with one." }}
                            </p>
                            <PasskeyButton step=PasskeyStep::Sudo label="Confirm with a passkey" on_answer=use_passkey pending=passkey.pending()/>
                        });
                        view! { {form} {passkey} }
                    })}
                </Suspense>
            </section>
        </RequireUser>
    }
}
