//! Forms posted without JavaScript get their errors back in the URL; only
//! errors the server signed are shown, so a link cannot put an attacker's
//! words inside the real log-in page.

use reqwest::StatusCode;

use crate::harness::{location, TestApp};

/// What `/login` shows for the error `json` carried in its URL, as the
/// framework encodes it (URL-safe base64 of the JSON).
fn crafted_link(json: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = json.as_bytes();
    let mut encoded = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            encoded.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        encoded.extend(std::iter::repeat_n('=', 3 - chunk.len()));
    }
    format!("/login?next=%2Fsettings&__path=%2Fapi%2Flogin&__err={encoded}")
}

#[tokio::test]
async fn a_link_cannot_put_its_own_words_in_the_log_in_page() {
    let app = TestApp::start().await;
    let words = "Your account is suspended. Call +1 555 0100 to restore it.";
    for json in [
        format!(r#"{{"Forbidden":"{words}"}}"#),
        format!(r#"{{"BadRequest":"{words}"}}"#),
        format!(r#"{{"Invalid":[{{"field":"Password","message":"{words}"}}]}}"#),
    ] {
        let link = crafted_link(&json);
        let response = app.get(&link).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{json}");
        let clean = location(&response).unwrap();
        assert_eq!(
            clean, "/login?next=%2Fsettings",
            "the rest of the query is kept"
        );
        let page = app.get(&clean).await.text().await.unwrap();
        assert!(!page.contains("suspended"));
    }
}

#[tokio::test]
async fn the_errors_the_server_sends_back_are_shown() {
    let app = TestApp::start().await;
    let response = app
        .post_html(
            "login",
            &[
                ("username", "nobody-here"),
                ("password", "not the password"),
            ],
            "/login?next=%2Fsettings",
        )
        .await;
    let back = location(&response).expect("back to the form");
    assert!(back.contains("__sig="), "{back}");
    let back = back.trim_start_matches(&app.base);
    let page = app.get(back).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Invalid username or password"));
    // Failing again from there: the address keeps one error, and shows it.
    let again = app
        .post_html(
            "login",
            &[("username", "nobody-here"), ("password", "still not it")],
            back,
        )
        .await;
    let again = location(&again).expect("back to the form");
    let again = again.trim_start_matches(&app.base);
    assert_eq!(
        again.len(),
        back.len(),
        "the address does not grow: {again}"
    );
    assert_eq!(again.matches("__err=").count(), 1, "{again}");
    assert_eq!(app.get(again).await.status(), StatusCode::OK);
    // The same error moved to another form's address is still ours: it is
    // signed with the function it came from, not the page.
    let tampered = back.replace("__path=%2Fapi%2Flogin", "__path=%2Fapi%2Fregister");
    assert_eq!(app.get(&tampered).await.status(), StatusCode::SEE_OTHER);
}

/// Without JavaScript a refused log-in or registration comes back drawn
/// anew: the username typed is given back in the address (never the
/// password), and shown in the field.
#[tokio::test]
async fn a_refused_form_without_javascript_keeps_the_username_and_never_the_password() {
    let app = TestApp::start().await;
    for (function, page) in [("login", "/login"), ("register", "/register")] {
        let response = app
            .post_html(
                function,
                &[("username", "ada-lovelace"), ("password", "tiny pw")],
                page,
            )
            .await;
        let back = location(&response).expect("back to the form");
        assert!(back.contains("username=ada-lovelace"), "{back}");
        assert!(
            !back.contains("short") && !back.contains("secret"),
            "{back}"
        );
        let html = app
            .get(back.trim_start_matches(&app.base))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(r#"value="ada-lovelace""#), "{function}");
        assert!(!html.contains("tiny pw"));
    }
}
