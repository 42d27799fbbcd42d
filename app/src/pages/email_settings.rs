use latchkey::domain::{EmailSettings, EmailStatus};
use leptos::prelude::*;

use crate::api::{
    email_settings, ChangeEmail, ConfirmEmailChange, SetNewDeviceNotices, UndoEmailChange,
};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, query_token, EmailField, FormAlert, PageTitle, RequireSudo, SettingsTabs,
    SubmitButton,
};

/// `/settings/email` (login and sudo mode required): the address, a form
/// to move to a new one, and whether new devices are mailed about.
#[component]
pub fn EmailSettingsPage() -> impl IntoView {
    let auth = use_auth();
    let change = auth.action::<ChangeEmail>(&[Changes::Message]);
    let notices = auth.action::<SetNewDeviceNotices>(&[Changes::Message]);
    // Created with the page, never after an await: see DevicesPage.
    let settings = Resource::new(
        move || (auth.any_version(), notices.version().get()),
        |_| email_settings(),
    );
    let error = action_error(change);
    let notices_error = action_error(notices);
    view! {
        <PageTitle text="Email address"/>
        <RequireSudo let:_user>
            <section class="card settings">
                <SettingsTabs/>
                <h1>"Your email address"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Ok(settings) => view! { <Current settings=settings.clone()/> <Notices settings notices error=notices_error/> }.into_any(),
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        }
                    })}
                </Suspense>
                <h2>"Use another address"</h2>
                <p class="muted">"We mail a link to the new address; your address changes when you open it. Your old address gets a notice, with a way to undo the change for 7 days."</p>
                <FormAlert error/>
                <ActionForm action=change>
                    <EmailField error hint="Where mail for your account should go from now on."/>
                    <SubmitButton pending=change.pending().into() label="Send the link" pending_label="Sending…"/>
                </ActionForm>
            </section>
        </RequireSudo>
    }
}

#[component]
fn Current(settings: EmailSettings) -> impl IntoView {
    let status = match settings.status {
        EmailStatus::Verified => "confirmed",
        EmailStatus::Unverified => "not confirmed yet",
        EmailStatus::Missing => "",
    };
    match settings.email {
        Some(email) => view! { <p>"Mail goes to " <strong>{email}</strong> {format!(" ({status}).")}</p> }.into_any(),
        None => view! { <p>"Your account has no email address yet. Give one below, so that you can set a new password if you forget yours."</p> }.into_any(),
    }
}

#[component]
fn Notices(
    settings: EmailSettings,
    notices: ServerAction<SetNewDeviceNotices>,
    error: Signal<Option<crate::api::ApiError>>,
) -> impl IntoView {
    view! {
        <FormAlert error/>
        <ActionForm action=notices>
            <label class="check">
                <input type="checkbox" name="on" value="on" checked=settings.new_device_notices/>
                "Mail me when a device I have not used before signs in"
            </label>
            <SubmitButton pending=notices.pending().into() label="Save" pending_label="Saving…" class="button small"/>
        </ActionForm>
        <p class="muted small">"We always mail you when your password or address changes, and when a copied sign-in cookie is used."</p>
    }
}

/// `/settings/email/confirm?token=` (from the mail to the new address).
#[component]
pub fn EmailChangeConfirmPage() -> impl IntoView {
    let auth = use_auth();
    let confirm = auth.action::<ConfirmEmailChange>(&[Changes::User]);
    let error = action_error(confirm);
    let token = query_token();
    view! {
        <PageTitle text="Confirm your new address"/>
        <section class="card">
            <h1>"Confirm your new address"</h1>
            <p class="muted">"This makes the address this link was mailed to your account's."</p>
            <FormAlert error/>
            <ActionForm action=confirm>
                <input type="hidden" name="token" value=token/>
                <SubmitButton pending=confirm.pending().into() label="Use this address" pending_label="Changing…"/>
            </ActionForm>
        </section>
    }
}

/// `/settings/email/undo?token=` (from the notice to the old address).
#[component]
pub fn EmailChangeUndoPage() -> impl IntoView {
    let auth = use_auth();
    let undo = auth.action::<UndoEmailChange>(&[Changes::User]);
    let error = action_error(undo);
    let token = query_token();
    view! {
        <PageTitle text="Undo the address change"/>
        <section class="card">
            <h1>"Take your address back"</h1>
            <p class="muted">"This puts back the address this link was mailed to, and signs every device out of the account. Then set a new password."</p>
            <FormAlert error/>
            <ActionForm action=undo>
                <input type="hidden" name="token" value=token/>
                <SubmitButton pending=undo.pending().into() label="Undo the change" pending_label="Undoing…" class="button danger"/>
            </ActionForm>
        </section>
    }
}
