use latchkey::domain::{EmailAddress, Field};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use leptos_router::hooks::use_location;

use super::require_user::here;
use crate::api::ApiError;

/// The hint under every field where a user chooses a password.
pub(super) const NEW_PASSWORD_HINT: &str =
    "At least 12 characters. Spaces and emoji are welcome: a passphrase is best.";

/// The hint under every field where a user chooses a username.
pub const USERNAME_HINT: &str = "3 to 32 letters, digits, '_', '-' or '.'";

/// The latest error of a server action, if its last run failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<ApiError>>
where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// A labelled input (or, with `rows`, a multi-line text box) with its
/// validation message beside it.
#[component]
pub fn TextField(
    /// The visible label.
    label: &'static str,
    /// Which field this is; also its form name and id.
    field: Field,
    /// The error the form's action last returned.
    error: Signal<Option<ApiError>>,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token password managers read.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A hint shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    /// Whether the field is required.
    #[prop(optional)]
    required: bool,
    /// The most characters the field takes.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// Makes it a multi-line text box this many rows high.
    #[prop(optional)]
    rows: Option<u32>,
    /// Called with the value as the user types.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    // Editing a field takes its error away (it described what was there
    // before); the form's next answer shows errors again.
    let edited = RwSignal::new(false);
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    let typed = move |ev: leptos::ev::Event| {
        edited.set(true);
        if let Some(on_input) = on_input {
            on_input.run(event_target_value(&ev));
        }
    };
    let name = field.name();
    let message = move || {
        if edited.get() {
            return None;
        }
        error.get().and_then(|e| e.field_message(field))
    };
    let invalid = move || message().is_some().then_some("true");
    let hint = hint.filter(|h| !h.is_empty());
    let described = move || described_by(name, hint.is_some(), message().is_some());
    focus_first_invalid(error, field, name);
    // A password can be shown while typing (ASVS 2.1.12). The button needs
    // JavaScript: it appears once the page is live, and without it the field
    // simply stays masked. Its name says what it does and stays put; whether
    // the password is shown is its pressed state.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let shown = RwSignal::new(false);
    let input_type = move || if shown.get() { "text" } else { kind };
    let reveal = (kind == "password").then(|| {
        view! {
            <Show when=move || live.get()>
                <button
                    type="button"
                    class="reveal"
                    aria-controls=name
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    "Show password"
                </button>
            </Show>
        }
    });
    // A draft kept across a sign-in (see `draft`) takes the field's place.
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let area_ref = NodeRef::<leptos::html::Textarea>::new();
    if kind != "password" {
        Effect::new(move |_| {
            let (input, area) = (input_ref.get(), area_ref.get());
            if input.is_none() && area.is_none() {
                return;
            }
            if let Some(draft) = super::draft::take(name) {
                if let Some(input) = input {
                    input.set_value(&draft);
                }
                if let Some(area) = area {
                    area.set_value(&draft);
                }
            }
        });
    }
    let control = match rows {
        None => view! {
            <input
                node_ref=input_ref
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                value=value
                required=required
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described
                on:input=typed
            />
        }
        .into_any(),
        Some(rows) => view! {
            <textarea
                node_ref=area_ref
                id=name
                name=name
                rows=rows
                required=required
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described
                on:input=typed
            >
                {value}
            </textarea>
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-hint")>{h}</p> })}
            <div class="control">{control}{reveal}</div>
            <p class="field-error" id=format!("{name}-error") role="alert">{message}</p>
        </div>
    }
}

/// After a failed submit, moves focus to the form's first invalid field, if
/// that is this one (the form's fields run this each; only the first in the
/// page's order takes focus).
fn focus_first_invalid(error: Signal<Option<ApiError>>, field: Field, name: &'static str) {
    Effect::new(move |_| {
        let invalid = error.with(|e| e.as_ref().and_then(|e| e.field_message(field)).is_some());
        if !invalid {
            return;
        }
        // After this answer's attributes are in the page.
        request_animation_frame(move || {
            use leptos::wasm_bindgen::JsCast;
            let first = document()
                .query_selector("[aria-invalid='true']")
                .ok()
                .flatten();
            if let Some(first) = first {
                if first.id() == name {
                    if let Ok(input) = first.dyn_into::<leptos::web_sys::HtmlElement>() {
                        let _ = input.focus();
                    }
                }
            }
        });
    });
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, kind)| format!("{name}-{kind}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The field where a user types the password they have (log-in, password
/// confirmation, account deletion): named `password`, filled by password managers.
#[component]
pub fn CurrentPasswordField(
    /// The error the form's action last returned.
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    view! {
        <TextField
            label="Password"
            field=Field::Password
            error
            kind="password"
            autocomplete="current-password"
            required=true
        />
    }
}

/// The form-level message (invalid credentials, not allowed, internal...).
/// When the action needs the password confirmed first, it links to the page
/// that asks for it and comes back here.
#[component]
pub fn FormAlert(error: Signal<Option<ApiError>>) -> impl IntoView {
    let location = use_location();
    let message = move || error.get().and_then(|e| e.form_message());
    // The session ended under this form: keep what was typed for after the
    // sign-in the guard is about to ask for.
    Effect::new(move |_| {
        if matches!(error.get(), Some(ApiError::NotLoggedIn)) {
            super::draft::save();
        }
    });
    let confirm = move || {
        matches!(error.get(), Some(ApiError::ConfirmPassword)).then(|| {
            let href = here(&location).confirm_url();
            view! { " " <a href=href>"Confirm your password"</a> }
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="alert alert-error" role="alert">{message}{confirm.clone()}</div>
        </Show>
    }
}

/// A submit button that says so while its action is pending.
#[component]
pub fn SubmitButton(
    /// Whether the action is running.
    pending: Signal<bool>,
    /// The label at rest.
    label: &'static str,
    /// The label while pending.
    pending_label: &'static str,
    /// The button's CSS class.
    #[prop(default = "button primary")]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}

/// An email address, with a `hint` below it if given.
#[component]
pub fn EmailField(
    /// The error the form's action last returned.
    error: Signal<Option<ApiError>>,
    /// A line of help below the field (none when empty).
    #[prop(default = "")]
    hint: &'static str,
) -> impl IntoView {
    view! {
        <TextField
            label="Email"
            field=Field::Email
            error
            kind="email"
            autocomplete="email"
            hint=hint
            required=true
            maxlength=EmailAddress::MAX_LEN
        />
    }
}

/// The `token` of a link from a mail (`?token=`), for the form that uses it.
pub fn query_token() -> String {
    leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default()
}

/// "Remember me on this device for N days", when the server remembers at all.
#[component]
pub fn RememberMe() -> impl IntoView {
    let remember = Resource::new(|| (), |_| crate::api::remember_days());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let days = remember.await.unwrap_or(0);
                (days > 0).then(|| view! {
                    <label class="check">
                        <input type="checkbox" name="remember" value="on"/>
                        {format!("Remember me on this device for {}", super::plural(days, "day"))}
                    </label>
                })
            })}
        </Suspense>
    }
}

/// A second-factor code: an authenticator's six digits or a recovery code.
#[component]
pub fn CodeField(
    /// The error the form's action last returned.
    error: Signal<Option<ApiError>>,
    /// Which field it is (always [`Field::Code`]; named so forms read alike).
    field: Field,
) -> impl IntoView {
    view! {
        <TextField
            label="Code"
            field
            error
            autocomplete="one-time-code"
            hint="6 digits from your authenticator app, or a recovery code (xxxxx-xxxxx)"
            required=true
            maxlength=32
        />
    }
}
