use latchkey::domain::EmailStatus;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::ResendVerification;
use crate::auth::{use_auth, Changes};

/// While the signed-in user's address is not confirmed: a reminder, and a
/// button that mails the link again. A plain form (it works without
/// JavaScript, and adds no form decoder to the first download).
#[component]
pub fn EmailBanner() -> impl IntoView {
    let auth = use_auth();
    let resend = auth.action::<ResendVerification>(&[Changes::Message]);
    let pending = resend.pending();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let unconfirmed = matches!(
                    auth.user.await,
                    Ok(Some(ref user)) if user.email == EmailStatus::Unverified
                );
                unconfirmed.then(|| view! {
                    <div class="alert alert-info banner">
                        <span>"Please confirm your email address with the link we mailed you. "</span>
                        <form
                            method="post"
                            action=ResendVerification::url()
                            class="inline"
                            on:submit=move |ev| {
                                ev.prevent_default();
                                resend.dispatch(ResendVerification {});
                            }
                        >
                            <button type="submit" class="button link" disabled=move || pending.get()>
                                "Send it again"
                            </button>
                        </form>
                    </div>
                })
            })}
        </Suspense>
    }
}
