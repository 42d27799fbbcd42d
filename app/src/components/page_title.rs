use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the document title to "TEXT · Latchkey", and moves focus to the page
/// when it was navigated to.
///
/// leptos_meta writes the title into the SSR HTML without escaping it, so a
/// display name such as `</title><script>…` would end the element early. `<` is
/// the only character that can do that inside `<title>`; it is shown as the
/// look-alike `‹` instead (escaping it would show `&lt;` in the browser tab).
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    // Every page has a title: the page is shown, focus follows it.
    super::route_focus::page_shown();
    view! { <Title text=title_text(&text)/> }
}

fn title_text(text: &str) -> String {
    if text.is_empty() {
        "Latchkey".to_string()
    } else {
        format!("{} · Latchkey", text.replace('<', "‹"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_can_never_close_its_element() {
        assert_eq!(
            title_text("</title><script>"),
            "‹/title>‹script> · Latchkey"
        );
        assert_eq!(title_text("Log in"), "Log in · Latchkey");
        assert_eq!(title_text(""), "Latchkey");
    }
}
