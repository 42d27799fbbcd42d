use latchkey::domain::{Bio, DisplayName, Field, Location, Profile};
use leptos::prelude::*;

use crate::api::{my_profile, ApiError, UpdateProfile};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, FormAlert, PageTitle, RequireUser, SettingsTabs, SubmitButton, TextField,
};

/// `/settings/profile` (login required): edit your own display name, bio and location.
#[component]
pub fn EditProfilePage() -> impl IntoView {
    // Outside RequireUser's async block, so server and browser create it in the
    // same order (hydration matches resources by creation order).
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <PageTitle text="Edit profile"/>
        <RequireUser let:_user>
            <EditProfileForm profile/>
        </RequireUser>
    }
}

#[component]
fn EditProfileForm(profile: Resource<Result<Profile, ApiError>>) -> impl IntoView {
    let auth = use_auth();
    let update_profile = auth.action::<UpdateProfile>(&[Changes::User]);
    let error = action_error(update_profile);
    view! {
        <section class="card settings">
            <SettingsTabs/>
            <h1>"Edit your profile"</h1>
            <FormAlert error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let profile = match profile.await {
                        Ok(profile) => profile,
                        Err(e) => return view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    };
                    view! {
                        <ActionForm action=update_profile>
                            <input type="hidden" name="username" value=profile.username.clone()/>
                            <TextField
                                label="Display name"
                                field=Field::DisplayName
                                error
                                autocomplete="name"
                                value=profile.display_name.clone()
                                maxlength=DisplayName::MAX_CHARS
                            />
                            <TextField
                                label="Bio"
                                field=Field::Bio
                                error
                                value=profile.bio.clone()
                                maxlength=Bio::MAX_CHARS
                                rows=4
                            />
                            <TextField
                                label="Location"
                                field=Field::Location
                                error
                                value=profile.location.clone()
                                maxlength=Location::MAX_CHARS
                            />
                            <SubmitButton pending=update_profile.pending().into() label="Save profile" pending_label="Saving…"/>
                        </ActionForm>
                    }
                    .into_any()
                })}
            </Suspense>
        </section>
    }
}
