use latchkey::domain::FlashLevel;
use leptos::prelude::*;

use crate::api::take_flash;
use crate::auth::use_auth;

/// Shows the flash message queued by the last action, once. On a page load it is
/// read during SSR; after an action it is fetched again.
#[component]
pub fn FlashArea() -> impl IntoView {
    let auth = use_auth();
    let flash = Resource::new(move || auth.any_version(), |_| take_flash());
    let dismissed = RwSignal::new(false);
    // The dismiss button needs JavaScript: it appears once the page is live.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    Effect::new(move |_| {
        auth.any_version();
        dismissed.set(false);
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let flash = flash.await.ok().flatten()?;
                let class = match flash.level {
                    FlashLevel::Success => "flash flash-success",
                    FlashLevel::Info => "flash flash-info",
                };
                Some(view! {
                    <Show when=move || !dismissed.get()>
                        <div class=class role="status">
                            <span>{flash.message.clone()}</span>
                            {move || live.get().then(|| view! {
                                <button type="button" class="flash-close" aria-label="Dismiss" on:click=move |_| dismissed.set(true)>
                                    "×"
                                </button>
                            })}
                        </div>
                    </Show>
                })
            })}
        </Suspense>
    }
}
