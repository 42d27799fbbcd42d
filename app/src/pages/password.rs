use latchkey::domain::Field;
use leptos::prelude::*;

use crate::api::ChangePassword;
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, FormAlert, NewPasswordField, PageTitle, RequireUser, SettingsTabs, SubmitButton,
    TextField,
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
    view! {
        <section class="card settings">
            <SettingsTabs/>
            <h1>"Change your password"</h1>
            <p class="muted">"Every other device you are signed in on will be signed out."</p>
            <FormAlert error/>
            <ActionForm action=change_password>
                <TextField
                    label="Current password"
                    field=Field::CurrentPassword
                    error
                    kind="password"
                    autocomplete="current-password"
                    required=true
                />
                <NewPasswordField label="New password" field=Field::NewPassword error/>
                <SubmitButton pending=change_password.pending().into() label="Change password" pending_label="Changing…"/>
            </ActionForm>
        </section>
    }
}
