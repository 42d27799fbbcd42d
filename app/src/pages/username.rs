use latchkey::domain::{Field, Username};
use leptos::prelude::*;

use crate::api::ChangeUsername;
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, FormAlert, PageTitle, RequireSudo, SettingsTabs, SubmitButton, TextField,
    USERNAME_HINT,
};

/// `/settings/username` (login and sudo mode required): choose a new username;
/// the old one becomes free for anyone.
#[component]
pub fn UsernamePage() -> impl IntoView {
    let auth = use_auth();
    let change_username = auth.action::<ChangeUsername>(&[Changes::User]);
    let error = action_error(change_username);
    view! {
        <PageTitle text="Change username"/>
        <RequireSudo let:user>
            <section class="card settings">
                <SettingsTabs/>
                <h1>"Change your username"</h1>
                <p class="muted">
                    {format!("You are {}. ", user.username)}
                    "Your profile moves to the new name; the old one becomes free for anyone to take."
                </p>
                <FormAlert error/>
                <ActionForm action=change_username>
                    <TextField
                        label="New username"
                        field=Field::Username
                        error
                        autocomplete="username"
                        hint=USERNAME_HINT
                        value=user.username.clone()
                        required=true
                        maxlength=Username::MAX_LEN
                    />
                    <SubmitButton pending=change_username.pending().into() label="Change username" pending_label="Changing…"/>
                </ActionForm>
            </section>
        </RequireSudo>
    }
}
