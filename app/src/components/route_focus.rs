//! Where focus goes when the page changes without a page load. A browser
//! loading a page starts at its top; a client-side navigation would leave
//! focus on the link that was clicked, in a page that is gone. So after each
//! one, focus moves to the new page's main heading (or, while it loads, the
//! main region), and its title is announced. The skip link, which the router
//! would otherwise take for a navigation, moves focus to the main region.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use leptos_router::hooks::use_location;

/// How many frames to wait for the new page's heading (its data may still be
/// loading) before settling for the main region.
const FRAMES: u32 = 30;

/// Moves focus after every client-side navigation; call once, inside the
/// router. Renders the live region that announces the new title.
#[component]
pub fn RouteFocus() -> impl IntoView {
    let location = use_location();
    let announcement = RwSignal::new(String::new());
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        location.pathname.track();
        if first.get_value() {
            // The first page came from the server: the browser placed focus.
            first.set_value(false);
            return;
        }
        focus_heading(FRAMES, announcement);
    });
    view! { <p class="visually-hidden" aria-live="polite" aria-atomic="true">{announcement}</p> }
}

fn focus_heading(frames_left: u32, announcement: RwSignal<String>) {
    request_animation_frame(move || {
        let heading = document().query_selector("main h1").ok().flatten();
        let target = match heading {
            Some(heading) => heading,
            None if frames_left > 0 => return focus_heading(frames_left - 1, announcement),
            None => match document().get_element_by_id("content") {
                Some(main) => main,
                None => return,
            },
        };
        if let Ok(target) = target.dyn_into::<HtmlElement>() {
            // Focusable by script only, not by Tab.
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            let _ = target.focus();
        }
        announcement.set(document().title());
    });
}

/// The skip link: moves focus to the main region itself, since the router
/// would take `#content` for a navigation.
#[component]
pub fn SkipLink() -> impl IntoView {
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(main) = document()
            .get_element_by_id("content")
            .and_then(|main| main.dyn_into::<HtmlElement>().ok())
        {
            let _ = main.focus();
            main.scroll_into_view();
        }
    };
    view! { <a class="skip-link" href="#content" on:click=skip>"Skip to content"</a> }
}
