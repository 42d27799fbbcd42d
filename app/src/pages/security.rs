use latchkey::domain::{Field, SecurityStatus, TotpState, UserId};
use leptos::prelude::*;

use super::passkeys::PasskeysSection;
use crate::api::{
    security_status, ApiError, BeginTotp, ConfirmTotp, DisableTotp, RenewRecoveryCodes,
};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, CodeField, FormAlert, Lately, PageTitle, RequireSudo, SettingsTabs, SubmitButton,
    When,
};

/// `/settings/security` (login and sudo mode required): the authenticator
/// app (set up, confirm with a first code, remove), passkeys and the
/// recovery codes.
/// Works without JavaScript: what a form did shows when the page reloads.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let auth = use_auth();
    let begin = auth.action::<BeginTotp>(&[Changes::Message]);
    let confirm = auth.action::<ConfirmTotp>(&[Changes::Message]);
    let disable = auth.action::<DisableTotp>(&[Changes::Message]);
    let renew = auth.action::<RenewRecoveryCodes>(&[Changes::Message]);
    // Created with the page, never after an await: see DevicesPage.
    let status = Resource::new(move || auth.any_version(), |_| security_status());
    let errors = [
        action_error(begin),
        action_error(confirm),
        action_error(disable),
        action_error(renew),
    ];
    view! {
        <PageTitle text="Sign-in security"/>
        <RequireSudo setting_up=true let:user>
            <section class="card settings">
                <SettingsTabs/>
                <h1>"Sign-in security"</h1>
                {errors.map(|error| view! { <FormAlert error/> })}
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || { let user = user.clone(); Suspend::new(async move {
                        match status.await {
                            Ok(status) => view! { <Status status owed=user.second_factor_needed user=user.id begin confirm disable renew error=errors[1]/> }.into_any(),
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        }
                    })}}
                </Suspense>
            </section>
        </RequireSudo>
    }
}

#[component]
fn Status(
    status: SecurityStatus,
    /// The site asked this account for a second factor when the page loaded.
    owed: bool,
    user: UserId,
    begin: ServerAction<BeginTotp>,
    confirm: ServerAction<ConfirmTotp>,
    disable: ServerAction<DisableTotp>,
    renew: ServerAction<RenewRecoveryCodes>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let fresh = status.fresh_codes.clone().map(|codes| view! {
        <div class="alert alert-info" role="status">
            <p><strong>"Your recovery codes. Save them now: they are not shown again."</strong></p>
            <p>"Each works once, in place of an authenticator code or a passkey, if you lose your device."</p>
            <ul class="codes" aria-label="Recovery codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        </div>
    });
    // Recovery codes stand in for whichever second factor is lost.
    let has_factor = status.totp == TotpState::On || !status.passkeys.is_empty();
    use_auth().saw_second_factor(user, has_factor);
    let rule = owed.then(|| match has_factor {
        false => view! {
            <div class="alert alert-info">
                <p><strong>"This site asks every account for a second factor."</strong></p>
                <p>"Set up an authenticator app or add a passkey below. Until you do, the rest of the site stays closed to this account."</p>
            </div>
        }
        .into_any(),
        true => view! {
            <div class="alert alert-info">
                <p>"Your second factor is set up: the whole site is open to you. " <a href="/">"Continue"</a></p>
            </div>
        }
        .into_any(),
    });
    let body = match status.totp {
        TotpState::Off if !status.available => view! {
            <p>"Authenticator apps are not set up on this server (it needs LATCHKEY_SECRET_KEY)."</p>
        }
        .into_any(),
        TotpState::Off => view! {
            <p>"Add a second step to signing in: a 6-digit code from an authenticator app on your phone (any app that reads a QR code works)."</p>
            <ActionForm action=begin>
                <SubmitButton pending=begin.pending().into() label="Set up an authenticator app" pending_label="Starting…"/>
            </ActionForm>
        }
        .into_any(),
        TotpState::Enrolling { secret, qr_svg } => view! {
            <h3>"Scan this code with your authenticator app"</h3>
            <div class="qr" role="img" aria-label="QR code of the secret below" inner_html=qr_svg></div>
            <p>"Or type this key into the app: " <code class="secret">{secret}</code></p>
            <p>"Then enter the code it shows, to check that it works. Until you do, nothing changes."</p>
            <ActionForm action=confirm>
                <CodeField error field=Field::Code/>
                <SubmitButton pending=confirm.pending().into() label="Turn it on" pending_label="Checking…"/>
            </ActionForm>
        }
        .into_any(),
        TotpState::On => view! {
            <p><span class="badge">"On"</span>" Every sign-in asks for a code from your authenticator app, or a passkey."</p>
            {status.totp_since.map(|at| view! { <p class="muted">"Turned on " <When at/> " " <Lately at since=status.lately_since/></p> })}
            <ActionForm action=disable>
                <SubmitButton pending=disable.pending().into() label="Turn off the authenticator" pending_label="Turning off…" class="button danger"/>
            </ActionForm>
        }
        .into_any(),
    };
    let recovery = has_factor.then(|| view! {
        <h2>"Recovery codes"</h2>
        <p>{format!("Recovery codes left: {} of 10.", status.recovery_codes_left)}</p>
        <ActionForm action=renew>
            <SubmitButton pending=renew.pending().into() label="Make new recovery codes" pending_label="Making…" class="button"/>
        </ActionForm>
    });
    let since = status.lately_since;
    // Not beside the codes of a factor just set up: that one is theirs.
    let lately = status.fresh_codes.is_none()
        && (status.totp_since.is_some_and(|at| at >= since)
            || status.passkeys.iter().any(|key| key.created_at >= since));
    let lately = lately.then(|| view! {
        <p class="alert alert-info">"A factor marked “New this week” was added in the last seven days. If you did not add it, remove it and change your password."</p>
    });
    let passkeys = view! {
        <PasskeysSection passkeys=status.passkeys unavailable=status.passkeys_unavailable has_password=status.has_password lately_since=since/>
    };
    view! { {rule} {fresh} {lately} <h2>"Authenticator app"</h2> {body} {passkeys} {recovery} }
}
