use latchkey::domain::EmailStatus;
use leptos::prelude::*;

use crate::api::ResendVerification;
use crate::auth::{use_auth, Changes};
use crate::components::PostButton;

/// While the signed-in user's address is not confirmed: a reminder, and a
/// button that mails the link again.
#[component]
pub fn EmailBanner() -> impl IntoView {
    let auth = use_auth();
    let resend = auth.action::<ResendVerification>(&[Changes::Message]);
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
                        <PostButton action=resend input=ResendVerification {} label="Send it again"/>
                    </div>
                })
            })}
        </Suspense>
    }
}
