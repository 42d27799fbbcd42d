//! Where focus goes when the page changes without a page load. A browser
//! loading a page starts at its top; a client-side navigation would leave
//! focus on the link that was clicked, in a page that is gone. So each page,
//! once shown after a navigation, moves focus to its main heading (or, while
//! its data loads, the main region), and its title is announced. The skip
//! link, which the router would otherwise take for a navigation, moves focus
//! to the main region.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use leptos_router::hooks::use_location;
use leptos_router::location::Location;

/// How many frames to wait for the new page's heading (its data may still be
/// loading) before settling for the main region.
const FRAMES: u32 = 30;

thread_local! {
    /// The address the browser loaded (the server's page).
    static LOADED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether the browser has left that address: every page shown since came
    /// by navigation. (Not "the layout has hydrated": a lazy first page
    /// hydrates later than the layout, once its chunk arrives.)
    static NAVIGATED: Cell<bool> = const { Cell::new(false) };
}

/// The router's address (it changes before the new page renders; the
/// browser's own can change after).
fn address(location: &Location) -> Option<String> {
    Some(format!(
        "{}?{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    ))
}

/// The polite live region's text: the title of the page navigated to.
#[derive(Clone, Copy)]
struct Announcement(RwSignal<String>);

/// Sets up focus management; call once, above the routes.
pub fn provide_route_focus() {
    provide_context(Announcement(RwSignal::new(String::new())));
    // Effects run in the browser only, and this one first, at hydration.
    let location = use_location();
    Effect::new(move |_| LOADED.with(|loaded| *loaded.borrow_mut() = address(&location)));
}

/// The live region that announces each new page's title.
#[component]
pub fn RouteAnnouncer() -> impl IntoView {
    let text = use_context::<Announcement>().map(|a| a.0);
    view! {
        <p class="visually-hidden" aria-live="polite" aria-atomic="true">
            {move || text.map(|t| t.get()).unwrap_or_default()}
        </p>
    }
}

/// Called by every page when it is shown: after a navigation, focus moves to
/// its heading and its title is announced.
pub fn page_shown() {
    let location = use_location();
    Effect::new(move |_| {
        let left = || {
            LOADED
                .with(|loaded| loaded.borrow().is_some() && *loaded.borrow() != address(&location))
        };
        if NAVIGATED.with(Cell::get) || left() {
            NAVIGATED.with(|navigated| navigated.set(true));
            let announcement = use_context::<Announcement>().map(|a| a.0);
            focus_heading(FRAMES, announcement);
        }
    });
}

fn focus_heading(frames_left: u32, announcement: Option<RwSignal<String>>) {
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
        if let Some(announcement) = announcement {
            announcement.set(document().title());
        }
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
