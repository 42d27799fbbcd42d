use latchkey::domain::Device;
use leptos::prelude::*;

use leptos_router::hooks::use_location;

use crate::api::{list_devices, sudo_status, ApiError, RevokeDevice, RevokeOtherDevices};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, here, FormAlert, PageTitle, RequireUser, SettingsTabs, SubmitButton, When,
};

/// `/settings/devices` (login required): every place you are signed in, each
/// with a button that signs it out at once.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let auth = use_auth();
    // Created here, not inside RequireUser's async block: resources must be
    // created in the same order on the server and in the browser, and code after
    // an await runs at different moments on the two sides.
    let devices = Resource::new(move || auth.devices_version(), |_| list_devices());
    // Signing a device out needs the password given lately: asked before the
    // click, not after it.
    let sudo = Resource::new(move || auth.sudo_version(), |_| sudo_status());
    view! {
        <PageTitle text="Devices"/>
        <RequireUser let:_user>
            <DeviceList devices sudo/>
        </RequireUser>
    }
}

#[component]
fn DeviceList(
    devices: Resource<Result<Vec<Device>, ApiError>>,
    sudo: Resource<Result<bool, ApiError>>,
) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let revoke = auth.action::<RevokeDevice>(&[Changes::Devices]);
    let revoke_others = auth.action::<RevokeOtherDevices>(&[Changes::Devices]);
    let revoke_error = action_error(revoke);
    let others_error = action_error(revoke_others);
    view! {
        <section class="card settings">
            <SettingsTabs/>
            <h1>"Where you're signed in"</h1>
            <p class="muted">"Sign out any browser you don't recognise. It is signed out at its next request."</p>
            <FormAlert error=revoke_error/>
            <FormAlert error=others_error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let location = location.clone();
                    Suspend::new(async move {
                    let confirmed = sudo.await.unwrap_or(false);
                    match devices.await {
                        Ok(list) => {
                            let others = list.iter().filter(|d| !d.current).count();
                            let confirm = here(&location).confirm_url();
                            view! {
                                {(others > 0 && !confirmed).then(|| view! {
                                    <p class="alert alert-info">
                                        "Signing a device out needs your password. "
                                        <a href=confirm>"Confirm your password"</a>
                                        " and you will come back here."
                                    </p>
                                })}
                                <ul class="devices" aria-label="Devices">
                                    {list.into_iter().map(|d| view! { <DeviceRow device=d revoke confirmed/> }).collect_view()}
                                </ul>
                                {(others > 0 && confirmed).then(|| view! {
                                    <ActionForm action=revoke_others>
                                        <SubmitButton
                                            pending=revoke_others.pending().into()
                                            label="Sign out everywhere else"
                                            pending_label="Signing out…"
                                            class="button danger"
                                        />
                                    </ActionForm>
                                })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn DeviceRow(
    device: Device,
    revoke: ServerAction<RevokeDevice>,
    /// Whether the password was given lately (else no button: the page says
    /// how to confirm it first).
    confirmed: bool,
) -> impl IntoView {
    let label = format!("{} on {}", device.browser, device.os);
    let button_label = format!("Sign out {label}");
    view! {
        <li class="device" class:current=device.current>
            <div>
                <p class="device-name">
                    {label.clone()}
                    {device.current.then(|| view! { <span class="badge">"This device"</span> })}
                    {device.remembered.then(|| view! { <span class="badge muted-badge">"Remembered"</span> })}
                </p>
                <p class="muted small">
                    {format!("{} · signed in ", device.ip)}
                    <When at=device.signed_in_at/>
                    {device.signed_in_with.map(|how| format!(" with {how}"))}
                    " · last active "
                    <When at=device.last_active_at/>
                    {device.ends_at.map(|end| view! {
                        {if device.remembered { " · remembered: ends " } else { " · if unused, ends " }}
                        <When at=end/>
                    })}
                </p>
            </div>
            {(!device.current && confirmed).then(|| view! {
                <ActionForm action=revoke attr:class="inline">
                    <input type="hidden" name="device" value=device.id.0/>
                    <button type="submit" class="button small" aria-label=button_label.clone()>
                        "Sign out"
                    </button>
                </ActionForm>
            })}
        </li>
    }
}
