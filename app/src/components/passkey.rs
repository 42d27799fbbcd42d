//! Passkeys in the browser: the button that runs a ceremony (options from
//! the server, `navigator.credentials`, the answer back), and the login
//! page's autofill (conditional mediation). The browser does the
//! cryptography; this only moves JSON, with the browser's own
//! `parse*OptionsFromJSON` and `toJSON` (no third-party script).

use leptos::prelude::*;

use crate::api::{
    passkey_factor_options, passkey_registration_options, passkey_sign_in_options,
    passkey_sudo_options, ApiError,
};

/// Which ceremony a button runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyStep {
    /// Sign in with a passkey alone.
    SignIn,
    /// A sign-in's second step.
    Factor,
    /// Sudo mode.
    Sudo,
    /// Add a passkey.
    Register,
}

impl PasskeyStep {
    async fn options(self) -> Result<String, ApiError> {
        match self {
            Self::SignIn => passkey_sign_in_options().await,
            Self::Factor => passkey_factor_options().await,
            Self::Sudo => passkey_sudo_options().await,
            Self::Register => passkey_registration_options().await,
        }
    }
}

/// A button that runs `step`'s ceremony and hands the browser's answer to
/// `on_answer`. Before hydration (and without JavaScript) the page says
/// passkeys need it; a browser without passkeys is told so.
#[component]
pub fn PasskeyButton(
    step: PasskeyStep,
    label: &'static str,
    #[prop(into)] on_answer: Callback<String>,
    /// Whether the server is still busy with the answer.
    #[prop(into, optional)]
    pending: Signal<bool>,
) -> impl IntoView {
    // None until hydrated; then whether this browser can use passkeys.
    let supported = RwSignal::new(None::<bool>);
    Effect::new(move |_| supported.set(Some(browser::supported())));
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let click = move |_| {
        asking.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            browser::stop_autofill();
            let answer = match step.options().await {
                Ok(options) => browser::ceremony(step == PasskeyStep::Register, &options).await,
                Err(e) => Err(e.to_string()),
            };
            asking.set(false);
            match answer {
                Ok(credential) => on_answer.run(credential),
                Err(why) => problem.set(Some(why)),
            }
        });
    };
    let busy = move || asking.get() || pending.get();
    view! {
        // Until the page is live (and for good without JavaScript) the
        // button could do nothing: the page says what it needs instead.
        // (Not `<noscript>`: a browser told not to run scripts may still
        // parse it as text and show nothing.)
        {move || match supported.get() {
            None => Some(view! { <p class="muted">"Passkeys need JavaScript."</p> }.into_any()),
            Some(false) => Some(view! { <p class="muted">"This browser cannot use passkeys here."</p> }.into_any()),
            Some(true) => Some(view! {
                <button type="button" class="button" on:click=click disabled=busy aria-busy=move || busy().to_string()>
                    {move || if busy() { "Waiting for your passkey…" } else { label }}
                </button>
            }.into_any()),
        }}
        {move || problem.get().map(|why| view! { <p class="alert alert-error" role="alert">{why}</p> })}
    }
}

/// Offers the account's passkeys in the username field's autofill, where
/// the browser can (conditional mediation); a chosen one goes to
/// `on_answer`. Stopped when a passkey button starts its own ceremony.
pub fn offer_passkey_autofill(on_answer: Callback<String>) {
    // Leaving the page ends the offer (a later page's passkey would
    // otherwise still go to this one).
    on_cleanup(browser::stop_autofill);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if !browser::autofill_available().await {
                return;
            }
            let Ok(options) = PasskeyStep::SignIn.options().await else {
                return;
            };
            // Stopped or dismissed: the password form is still there.
            if let Ok(credential) = browser::autofill(&options).await {
                on_answer.run(credential);
            }
        });
    });
}

/// Whether the form's checkbox `name` is ticked (read from the page).
pub fn checkbox_ticked(name: &str) -> bool {
    browser::checkbox_ticked(name)
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::AbortController;

    const UNSUPPORTED: &str = "This browser cannot use passkeys here.";

    thread_local! {
        /// The autofill request waiting for a passkey, to stop it.
        static AUTOFILL: RefCell<Option<AbortController>> = const { RefCell::new(None) };
    }

    fn get(target: &JsValue, key: &str) -> Result<JsValue, String> {
        Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
            .ok_or_else(|| UNSUPPORTED.to_string())
    }

    fn method(target: &JsValue, key: &str) -> Result<Function, String> {
        get(target, key)?
            .dyn_into::<Function>()
            .map_err(|_| UNSUPPORTED.to_string())
    }

    fn window() -> Result<JsValue, String> {
        web_sys::window()
            .map(JsValue::from)
            .ok_or_else(|| UNSUPPORTED.to_string())
    }

    fn public_key_credential() -> Result<JsValue, String> {
        get(&window()?, "PublicKeyCredential")
    }

    /// What went wrong, in words, from the browser's `DOMException`.
    fn describe(error: JsValue) -> String {
        let name = get(&error, "name")
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" => "No passkey was used: the request was cancelled or timed out.",
            "InvalidStateError" => "This device already holds a passkey for your account.",
            "AbortError" => "The passkey request was stopped.",
            "SecurityError" => "Passkeys cannot work on this address.",
            _ => "Your browser could not use a passkey.",
        }
        .to_string()
    }

    pub fn supported() -> bool {
        public_key_credential()
            .and_then(|pkc| method(&pkc, "parseRequestOptionsFromJSON"))
            .is_ok()
    }

    pub async fn autofill_available() -> bool {
        let Ok(pkc) = public_key_credential() else {
            return false;
        };
        let Ok(check) = method(&pkc, "isConditionalMediationAvailable") else {
            return false;
        };
        let Some(promise) = check
            .call0(&pkc)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok())
        else {
            return false;
        };
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    pub fn stop_autofill() {
        if let Some(controller) = AUTOFILL.with(|a| a.borrow_mut().take()) {
            controller.abort();
        }
    }

    pub async fn autofill(options: &str) -> Result<String, String> {
        stop_autofill();
        let controller = AbortController::new().map_err(describe)?;
        let signal = controller.signal();
        AUTOFILL.with(|a| *a.borrow_mut() = Some(controller));
        run(false, options, Some(&signal)).await
    }

    pub async fn ceremony(create: bool, options: &str) -> Result<String, String> {
        run(create, options, None).await
    }

    async fn run(
        create: bool,
        options: &str,
        autofill: Option<&web_sys::AbortSignal>,
    ) -> Result<String, String> {
        let pkc = public_key_credential()?;
        let parse = match create {
            true => method(&pkc, "parseCreationOptionsFromJSON")?,
            false => method(&pkc, "parseRequestOptionsFromJSON")?,
        };
        let json = JSON::parse(options).map_err(describe)?;
        let public_key = parse.call1(&pkc, &json).map_err(describe)?;
        let request = Object::new();
        let set =
            |key: &str, value: &JsValue| Reflect::set(&request, &JsValue::from_str(key), value);
        set("publicKey", &public_key).map_err(describe)?;
        if let Some(signal) = autofill {
            set("mediation", &JsValue::from_str("conditional")).map_err(describe)?;
            set("signal", signal).map_err(describe)?;
        }
        let credentials = get(&get(&window()?, "navigator")?, "credentials")?;
        let call = method(&credentials, if create { "create" } else { "get" })?;
        let promise: Promise = call
            .call1(&credentials, &request)
            .map_err(describe)?
            .dyn_into()
            .map_err(|_| UNSUPPORTED.to_string())?;
        let credential = JsFuture::from(promise).await.map_err(describe)?;
        let answer = method(&credential, "toJSON")?
            .call0(&credential)
            .map_err(describe)?;
        JSON::stringify(&answer).map(String::from).map_err(describe)
    }

    pub fn checkbox_ticked(name: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(&format!("input[type=checkbox][name={name}]"))
                    .ok()
                    .flatten()
            })
            .and_then(|input| Reflect::get(&input, &JsValue::from_str("checked")).ok())
            .and_then(|checked| checked.as_bool())
            .unwrap_or(false)
    }
}

/// On the server nothing runs: the buttons appear once the page hydrates.
#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn supported() -> bool {
        false
    }
    pub async fn autofill_available() -> bool {
        false
    }
    pub fn stop_autofill() {}
    pub async fn autofill(_options: &str) -> Result<String, String> {
        Err("passkeys run in the browser".into())
    }
    pub async fn ceremony(_create: bool, _options: &str) -> Result<String, String> {
        Err("passkeys run in the browser".into())
    }
    pub fn checkbox_ticked(_name: &str) -> bool {
        false
    }
}
