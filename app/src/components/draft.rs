//! A form's draft kept across a sign-in. When a submit fails because the
//! session has ended, what was typed (never a password or a code) is put in the tab's
//! session storage, keyed by the page; the guard then sends the visitor to
//! log in, and back. When the page's fields appear again, each takes its
//! draft back, once.

/// Saves the draft of every form in the page's main region.
pub fn save() {
    #[cfg(feature = "hydrate")]
    browser::save();
}

/// The draft of `field` on this page, if one was kept: taken, so it is
/// restored once.
pub fn take(field: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return browser::take(field);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = field;
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, HtmlTextAreaElement};

    fn key(field: &str) -> Option<String> {
        let path = window().location().pathname().ok()?;
        Some(format!("latchkey.draft:{path}:{field}"))
    }

    fn storage() -> Option<web_sys::Storage> {
        window().session_storage().ok().flatten()
    }

    pub fn save() {
        let (Some(storage), Ok(fields)) = (
            storage(),
            document().query_selector_all("main form input, main form textarea"),
        ) else {
            return;
        };
        for i in 0..fields.length() {
            let Some(node) = fields.item(i) else { continue };
            let (name, value) = if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                // Text fields only: never a password or a one-time code,
                // nor hidden fields or buttons.
                let secret = input.name().contains("password")
                    || input.autocomplete() == "one-time-code"
                    || input.name() == "code";
                if input.type_() != "text" || secret {
                    continue;
                }
                (input.name(), input.value())
            } else if let Some(area) = node.dyn_ref::<HtmlTextAreaElement>() {
                (area.name(), area.value())
            } else {
                continue;
            };
            if let Some(key) = key(&name) {
                let _ = storage.set_item(&key, &value);
            }
        }
    }

    pub fn take(field: &str) -> Option<String> {
        let (storage, key) = (storage()?, key(field)?);
        let value = storage.get_item(&key).ok().flatten()?;
        let _ = storage.remove_item(&key);
        Some(value)
    }
}
