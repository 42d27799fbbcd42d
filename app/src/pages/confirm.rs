use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use latchkey::domain::Field;

use crate::api::{sudo_needs_code, ConfirmPassword};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, CurrentPasswordField, FormAlert, PageTitle, RequireUser, SubmitButton,
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
    // With an authenticator app on, sudo mode takes its code too.
    let needs_code = Resource::new(|| (), |_| sudo_needs_code());
    view! {
        <PageTitle text="Confirm your password"/>
        <RequireUser let:user>
            <section class="card">
                <h1>"Confirm your password"</h1>
                <p class="muted">
                    {format!("You are about to change something sensitive on {}'s account. ", user.username)}
                    "Enter your password to continue; it will not be asked again for 10 minutes."
                </p>
                <FormAlert error/>
                <ActionForm action=confirm_password>
                    <input type="hidden" name="next" value=next/>
                    <CurrentPasswordField error/>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let on = needs_code.await.unwrap_or(false);
                            on.then(|| view! { <CodeField error field=Field::Code/> })
                        })}
                    </Suspense>
                    <div class="actions">
                        <SubmitButton pending=confirm_password.pending().into() label="Confirm" pending_label="Checking…"/>
                        // Back to the settings, not to `next`: that page would
                        // only ask for the password again.
                        <a class="button" href="/settings/profile">"Cancel"</a>
                    </div>
                </ActionForm>
            </section>
        </RequireUser>
    }
}
