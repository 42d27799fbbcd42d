use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::ApiError;

/// A one-button form for a server function that takes no input: a plain
/// form (it works without JavaScript); with JavaScript the action is
/// dispatched in place. Not an `ActionForm`, whose form decoder would be in
/// every page's first download for a button that sits on every page.
#[component]
pub fn PostButton<S>(
    /// The action the button dispatches.
    action: ServerAction<S>,
    /// What it dispatches (the server function's arguments: none).
    input: S,
    /// The button's words.
    label: &'static str,
    /// Run before dispatching (with JavaScript).
    #[prop(optional)]
    before: Option<Callback<()>>,
) -> impl IntoView
where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let pending = action.pending();
    view! {
        <form
            method="post"
            action=S::url()
            class="inline"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(before) = before {
                    before.run(());
                }
                action.dispatch(input.clone());
            }
        >
            <button type="submit" class="button link" disabled=move || pending.get()>
                {label}
            </button>
        </form>
    }
}
