use reqwest::header::COOKIE;
use reqwest::StatusCode;

use crate::harness::{current_username, set_cookies, unique_name, TestApp, PASSWORD};

fn session_set_cookie(cookies: &[String], name: &str) -> String {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .cloned()
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

#[tokio::test]
async fn the_session_cookie_holds_only_a_random_id_and_is_http_only_lax_and_site_wide() {
    let app = TestApp::start().await;
    let response = app.register(&unique_name("c"), PASSWORD).await;
    let cookie = session_set_cookie(&set_cookies(response.headers()), "latchkey_session");
    let attributes: Vec<&str> = cookie.split("; ").collect();
    let value = attributes[0].trim_start_matches("latchkey_session=");
    assert!(value.len() >= 22, "at least 128 bits of id: {value}");
    assert!(
        !value.contains('.') && !value.contains('{'),
        "an opaque id, no data: {value}"
    );
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
    assert!(attributes.contains(&"Path=/"), "{cookie}");
    assert!(
        !attributes.contains(&"Secure"),
        "plain HTTP in development: {cookie}"
    );
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "dies with the browser: {cookie}"
    );
}

#[tokio::test]
async fn remember_me_sets_its_own_long_lived_cookie_while_the_session_cookie_dies_with_the_browser()
{
    let app = TestApp::start().await;
    let name = unique_name("r");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    let response = app.log_in_remembered(&name).await;
    let cookies = set_cookies(response.headers());
    let session = session_set_cookie(&cookies, "latchkey_session");
    assert!(
        !session.contains("Max-Age") && !session.contains("Expires"),
        "{session}"
    );
    let remember = session_set_cookie(&cookies, "latchkey_remember");
    assert!(
        remember.contains(&format!("Max-Age={}", 30 * 24 * 60 * 60)),
        "{remember}"
    );
    assert!(
        remember.contains("HttpOnly")
            && remember.contains("SameSite=Lax")
            && remember.contains("Path=/")
    );
    let value = remember
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("latchkey_remember=");
    let (selector, validator) = value.split_once('.').unwrap();
    assert!(
        selector.len() >= 32 && validator.len() >= 32,
        "128 bits or more each: {value}"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_with_the_host_prefix() {
    let app = TestApp::start_with(&[("LATCHKEY_SECURE_COOKIES", "true")]).await;
    let response = app.register(&unique_name("s"), PASSWORD).await;
    let cookie = session_set_cookie(&set_cookies(response.headers()), "__Host-latchkey_session");
    assert!(cookie.split("; ").any(|a| a == "Secure"), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert!(response.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn tampered_and_random_cookies_are_anonymous_and_never_a_server_error() {
    let app = TestApp::start().await;
    app.register(&unique_name("t"), PASSWORD).await;
    let real = app.session_cookie().unwrap();
    // Change a character in the middle: the last base64 character of a 16-byte
    // id carries only 2 bits, so several spellings of it decode alike.
    let mut tampered = real.clone().into_bytes();
    let middle = real.len() - 8;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let client = app.stranger();
    for cookie in [
        tampered.as_str(),
        "latchkey_session=AAAAAAAAAAAAAAAAAAAAAA",
        "latchkey_session=not-a-session-id",
        "latchkey_session=",
        "latchkey_session=%00%ff",
        "latchkey_session=' OR 1=1 --",
    ] {
        assert_eq!(
            current_username(&client, &app.base, Some(cookie)).await,
            None,
            "{cookie}"
        );
        for path in ["/", "/settings/profile", "/login"] {
            let response = client
                .get(app.url(path))
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            assert!(
                !response.status().is_server_error(),
                "{path} with {cookie}: {}",
                response.status()
            );
        }
    }
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .header(COOKIE, "latchkey_session=x")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_logged_out_browser_keeps_no_session_row_once_its_message_is_shown() {
    let app = TestApp::start().await;
    let name = unique_name("tidy");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    // The "logged out" message waits in a session of its own...
    let sessions = "SELECT COUNT(*) FROM latchkey_sessions";
    assert_eq!(app.count(sessions, None).await, 1);
    // ...which is gone once the next page has shown it.
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("You have been logged out."));
    assert_eq!(app.count(sessions, None).await, 0);
}

/// Logging out when not signed in writes nothing: no session row, however
/// often a stranger posts it.
#[tokio::test]
async fn an_anonymous_log_out_leaves_no_session_row() {
    let app = TestApp::start().await;
    for _ in 0..5 {
        let response = app
            .stranger()
            .post(app.url("/api/logout"))
            .form(&[("", ""); 0])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let sessions = "SELECT COUNT(*) FROM latchkey_sessions";
    assert_eq!(app.count(sessions, None).await, 0);
}
