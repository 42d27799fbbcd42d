use latchkey::domain::Field;
use leptos::prelude::*;

use crate::api::{sudo_asks, sudo_status, DeleteAccount};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, CurrentPasswordField, FormAlert, PageTitle, RequireUser, SettingsTabs,
    SubmitButton, TextField,
};

/// `/settings/delete` (login required): delete the account for good, after
/// giving the password.
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let auth = use_auth();
    let delete_account = auth.action::<DeleteAccount>(&[Changes::User]);
    let error = action_error(delete_account);
    // Without a password (passkeys only), sudo mode stands in for it.
    let asks = Resource::new(|| (), |_| sudo_asks());
    // With a second factor it takes its code too, unless sudo mode took one.
    let sudo = Resource::new(|| (), |_| sudo_status());
    view! {
        <PageTitle text="Delete account"/>
        <RequireUser let:user>
            <section class="card settings">
                <SettingsTabs/>
                <h1>"Delete your account"</h1>
                <p>
                    {format!("This deletes {} for good: ", user.username)}
                    "your profile, your activity, and every device you are signed in on. "
                    "It cannot be undone. Your username becomes free for anyone to take."
                </p>
                <FormAlert error/>
                <ActionForm action=delete_account>
                    <TextField
                        label="Your username"
                        field=Field::Username
                        error
                        hint="Type it to confirm which account goes."
                        required=true
                    />
                    <Suspense>
                        {move || Suspend::new(async move {
                            let asks = asks.await.ok();
                            match asks.as_ref().is_none_or(|a| a.password) {
                                true => {
                                    let code = asks.is_some_and(|a| a.code) && !sudo.await.unwrap_or(false);
                                    view! {
                                        <CurrentPasswordField error/>
                                        {code.then(|| view! { <CodeField error field=Field::Code/> })}
                                    }
                                    .into_any()
                                }
                                false => view! { <input type="hidden" name="password" value=""/> }.into_any(),
                            }
                        })}
                    </Suspense>
                    <SubmitButton
                        pending=delete_account.pending().into()
                        label="Delete my account"
                        pending_label="Deleting…"
                        class="button danger"
                    />
                </ActionForm>
            </section>
        </RequireUser>
    }
}
