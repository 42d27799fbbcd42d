use std::time::Duration;

use latchkey::domain::Field;
use leptos::prelude::*;

use super::form::{TextField, NEW_PASSWORD_HINT};
use crate::api::{ApiError, PasswordStrength};

/// How long typing must pause before the password is scored.
const PAUSE: Duration = Duration::from_millis(300);

/// The field where a user chooses a new password, with the strength meter
/// under it. `username`, when given (the registration form's, as typed),
/// counts as known to an attacker.
#[component]
pub fn NewPasswordField(
    /// The visible label.
    label: &'static str,
    /// Which field this is.
    field: Field,
    /// The error the form's action last returned.
    error: Signal<Option<ApiError>>,
    /// The username as typed, on the registration form.
    #[prop(optional)]
    username: Option<ReadSignal<String>>,
) -> impl IntoView {
    let (password, set_password) = signal(String::new());
    view! {
        <TextField
            label
            field
            error
            kind="password"
            autocomplete="new-password"
            hint=NEW_PASSWORD_HINT
            required=true
            on_input=Callback::new(move |v| set_password.set(v))
        />
        <StrengthMeter password username/>
    }
}

/// A meter of how guessable `password` is, scored by the server (the
/// dictionaries stay out of the wasm bundle) once typing pauses. `username`,
/// when given, counts as known to an attacker. Shows nothing without
/// JavaScript; the server still refuses a weak password on submit.
#[component]
fn StrengthMeter(
    /// The password as typed.
    password: ReadSignal<String>,
    /// The username as typed, if it is a registration.
    username: Option<ReadSignal<String>>,
) -> impl IntoView {
    let score = ServerAction::<PasswordStrength>::new();
    let waiting = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let password = password.get();
        let username = username.map(|u| u.get());
        if let Some(handle) = waiting.get_value() {
            handle.clear();
        }
        if password.is_empty() {
            return;
        }
        let dispatch = move || {
            score.dispatch(PasswordStrength { password, username });
        };
        waiting.set_value(set_timeout_with_handle(dispatch, PAUSE).ok());
    });
    // Leaving the page (say, after registering) must not fire a pending score
    // into an action that no longer exists.
    on_cleanup(move || {
        if let Some(handle) = waiting.try_get_value().flatten() {
            handle.clear();
        }
    });
    let shown = move || {
        if password.with(String::is_empty) {
            return None;
        }
        score.value().get().and_then(Result::ok)
    };
    view! {
        <div class="strength" aria-live="polite">
            {move || shown().map(|s| {
                let class = if s.acceptable { "strength-label ok" } else { "strength-label weak" };
                view! {
                    <meter min="0" max="4" low="2.5" high="3.5" optimum="4" value=s.score aria-label="Strength"></meter>
                    <span class=class>{format!("Strength: {}", s.label())}</span>
                    {(!s.advice.is_empty()).then(|| view! { <p class="strength-advice">{s.advice.clone()}</p> })}
                }
            })}
        </div>
    }
}
