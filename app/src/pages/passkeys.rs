use latchkey::domain::{Field, PasskeyName, PasskeySummary, UnixTime};
use leptos::prelude::*;

use crate::api::{AddPasskey, RemovePasskey, RemovePassword, RenamePasskey};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, FormAlert, Lately, PasskeyButton, PasskeyStep, SubmitButton, When,
};

/// The security page's passkeys: each one's name (renamed in place), when
/// it was added and last used, and a button to remove it; then a name and
/// a button to add one. Listing, renaming and removing work without
/// JavaScript; making a passkey is the browser's, so it needs it.
#[component]
pub fn PasskeysSection(
    passkeys: Vec<PasskeySummary>,
    unavailable: Option<String>,
    has_password: bool,
    /// A passkey added since then is marked new.
    lately_since: UnixTime,
) -> impl IntoView {
    let auth = use_auth();
    let add = auth.action::<AddPasskey>(&[Changes::Message]);
    let rename = auth.action::<RenamePasskey>(&[Changes::Message]);
    let remove = auth.action::<RemovePasskey>(&[Changes::Message]);
    let drop_password = auth.action::<RemovePassword>(&[Changes::Message]);
    let errors = [
        action_error(add),
        action_error(rename),
        action_error(remove),
        action_error(drop_password),
    ];
    let name = RwSignal::new(String::from("My passkey"));
    let add_error = errors[0];
    let name_problem = move || {
        add_error
            .get()
            .and_then(|e| e.field_message(Field::PasskeyName))
    };
    let use_answer = Callback::new(move |credential: String| {
        add.dispatch(AddPasskey {
            name: name.get_untracked(),
            credential,
        });
    });
    let intro = "A passkey signs you in with your device's fingerprint, face or PIN: nothing to \
                 type, nothing a fake site can use. With one, signing in with your password also \
                 asks for a passkey or a code.";
    // With a passkey, the password can go; without a password, the last
    // passkey cannot.
    let password = match (has_password, passkeys.is_empty()) {
        (true, false) => Some(view! {
            <h3>"Passkeys only"</h3>
            <p>"Remove your password, and sign in with your passkeys alone. You can set a password again later."</p>
            <ActionForm action=drop_password>
                <SubmitButton pending=drop_password.pending().into() label="Remove my password" pending_label="Removing…" class="button danger"/>
            </ActionForm>
        }.into_any()),
        (false, _) => Some(view! {
            <p><span class="badge">"No password"</span>" Your passkeys alone sign you in, so the last one cannot be removed. "<a href="/settings/password">"Set a password"</a></p>
        }.into_any()),
        (true, true) => None,
    };
    let list = (!passkeys.is_empty()).then(|| {
        view! {
            <ul class="passkeys" aria-label="Your passkeys">
                {passkeys.into_iter().map(|key| view! { <PasskeyItem key rename remove lately_since/> }).collect_view()}
            </ul>
        }
    });
    let adding = match unavailable {
        Some(_) => view! {
            <p class="muted">"Passkeys are not available on this server: it needs a host name (LATCHKEY_PUBLIC_ORIGIN), not an IP address."</p>
        }
        .into_any(),
        None => view! {
            <div class="field">
                <label for="new-passkey-name">"Name for a new passkey"</label>
                <input
                    id="new-passkey-name"
                    type="text"
                    maxlength=PasskeyName::MAX_CHARS
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    aria-invalid=move || name_problem().is_some().to_string()
                    aria-describedby="new-passkey-name-error"
                />
                <p id="new-passkey-name-error" class="field-error" role="alert">{name_problem}</p>
            </div>
            <PasskeyButton step=PasskeyStep::Register label="Add a passkey" on_answer=use_answer pending=add.pending()/>
        }
        .into_any(),
    };
    view! {
        <h2>"Passkeys"</h2>
        <p>{intro}</p>
        {errors.map(|error| view! { <FormAlert error/> })}
        {list}
        {adding}
        {password}
    }
}

#[component]
fn PasskeyItem(
    key: PasskeySummary,
    rename: ServerAction<RenamePasskey>,
    remove: ServerAction<RemovePasskey>,
    lately_since: UnixTime,
) -> impl IntoView {
    let id = key.id.0;
    let field = format!("passkey-{id}-name");
    let last_used = match key.last_used_at {
        Some(at) => view! { " · last used " <When at/> }.into_any(),
        None => view! { " · not used yet" }.into_any(),
    };
    view! {
        <li class="passkey">
            <p><strong>{key.name.clone()}</strong><span class="muted">" · added " <When at=key.created_at/> {last_used}</span> " " <Lately at=key.created_at since=lately_since/></p>
            <div class="actions">
                <ActionForm action=rename attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <label for=field.clone() class="visually-hidden">{format!("New name for {}", key.name)}</label>
                    <input id=field type="text" name="name" value=key.name.clone() maxlength=PasskeyName::MAX_CHARS required/>
                    <SubmitButton pending=rename.pending().into() label="Rename" pending_label="Renaming…" class="button"/>
                </ActionForm>
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="id" value=id/>
                    <SubmitButton pending=remove.pending().into() label="Remove" pending_label="Removing…" class="button danger"/>
                </ActionForm>
            </div>
        </li>
    }
}
