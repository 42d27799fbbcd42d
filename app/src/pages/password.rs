use latchkey::domain::Field;
use leptos::prelude::*;

use crate::api::{sudo_asks, sudo_status, ChangePassword};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, FormAlert, NewPasswordField, PageTitle, RequireUser, SettingsTabs,
    SubmitButton, TextField,
};

/// `/settings/password` (login required): change your password; every other
/// device is signed out.
#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <PageTitle text="Change password"/>
        <RequireUser let:_user>
            <PasswordForm/>
        </RequireUser>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let auth = use_auth();
    let change_password = auth.action::<ChangePassword>(&[Changes::Devices, Changes::Sudo]);
    let error = action_error(change_password);
    // An account that signs in with passkeys alone has no current password:
    // it sets one, in sudo mode.
    let asks = Resource::new(|| (), |_| sudo_asks());
    // With a second factor a change takes its code too, as a sign-in
    // does; sudo mode has already taken one.
    let sudo = Resource::new(|| (), |_| sudo_status());
    view! {
        <section class="card settings">
            <SettingsTabs/>
            <Suspense>
                {move || Suspend::new(async move {
                    let asks = asks.await.ok();
                    let has_password = asks.as_ref().is_none_or(|a| a.password);
                    let wants_code = has_password
                        && asks.is_some_and(|a| a.code)
                        && !sudo.await.unwrap_or(false);
                    let current = match has_password {
                        true => view! {
                            <TextField
                                label="Current password"
                                field=Field::CurrentPassword
                                error
                                kind="password"
                                autocomplete="current-password"
                                required=true
                            />
                        }
                        .into_any(),
                        false => view! { <input type="hidden" name="current_password" value=""/> }.into_any(),
                    };
                    view! {
                        <h1>{if has_password { "Change your password" } else { "Set a password" }}</h1>
                        <p class="muted">
                            {if has_password {
                                "Every other device you are signed in on will be signed out."
                            } else {
                                "Your account signs in with passkeys alone. A password adds another way in; every other device will be signed out."
                            }}
                        </p>
                        <FormAlert error/>
                        <ActionForm action=change_password>
                            {current}
                            {wants_code.then(|| view! { <CodeField error field=Field::Code/> })}
                            <NewPasswordField label="New password" field=Field::NewPassword error/>
                            <SubmitButton pending=change_password.pending().into() label=if has_password { "Change password" } else { "Set password" } pending_label="Saving…"/>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
