//! State-changing requests from another site are refused before they touch a
//! session or a row; the site's own pages and trusted origins pass.

use reqwest::header::{ORIGIN, USER_AGENT};
use reqwest::{Client, StatusCode};

use crate::harness::{unique_name, TestApp, PASSWORD};

/// A client that sends only the headers given, like a forged form on another site.
fn bare() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn register_with(
    app: &TestApp,
    headers: &[(&'static str, &str)],
    name: &str,
) -> reqwest::Response {
    let mut request = bare().post(app.url("/api/register")).form(&[
        ("username", name),
        ("email", "e@example.test"),
        ("password", PASSWORD),
    ]);
    for (header, value) in headers {
        request = request.header(*header, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_forged_post_from_another_site_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    let own = app.base.clone();
    let cases: [&[(&'static str, &str)]; 6] = [
        &[("origin", "http://evil.example")],
        &[("origin", "null")],
        &[("origin", "https://127.0.0.1")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[],
    ];
    for headers in cases {
        let name = unique_name("forged");
        let response = register_with(&app, headers, &name).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains("came from another site"), "{body}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
            0,
            "{headers:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM latchkey_sessions", None)
                .await,
            0
        );
    }

    // The same request from the site itself goes through, by Origin or by
    // Sec-Fetch-Site.
    let response = register_with(&app, &[("origin", &own)], &unique_name("ours")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = register_with(
        &app,
        &[("sec-fetch-site", "same-origin")],
        &unique_name("ours"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        2
    );
}

#[tokio::test]
async fn a_signed_in_user_cannot_be_logged_out_or_edited_by_another_site() {
    let app = TestApp::start().await;
    let name = unique_name("victim");
    app.register(&name, PASSWORD).await;
    let cookie = app.session_cookie().unwrap();
    for (function, form) in [
        ("logout", vec![]),
        ("revoke_other_devices", vec![]),
        (
            "update_profile",
            vec![("username", name.as_str()), ("display_name", "pwned")],
        ),
    ] {
        let response = bare()
            .post(app.url(&format!("/api/{function}")))
            .header(ORIGIN, "http://evil.example")
            .header(reqwest::header::COOKIE, &cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{function}");
    }
    assert_eq!(app.current_username().await, Some(name.clone()));
    let profile = app
        .get(&format!("/users/{name}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!profile.contains("pwned"));
}

#[tokio::test]
async fn pages_load_from_links_on_other_sites() {
    let app = TestApp::start().await;
    let response = bare()
        .get(app.url("/login"))
        .header(ORIGIN, "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header(USER_AGENT, "test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_trusted_origin_passes_behind_a_proxy() {
    let app =
        TestApp::start_with(&[("LATCHKEY_TRUSTED_ORIGINS", "https://login.example.com")]).await;
    let response = register_with(
        &app,
        &[("origin", "https://login.example.com")],
        &unique_name("proxied"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_a_public_origin_a_rebound_name_cannot_post() {
    // A page on a name the attacker points at this server (DNS rebinding)
    // sends that name as both Host and Origin.
    let rebound = [
        ("host", "rebound.example:3000"),
        ("origin", "http://rebound.example:3000"),
    ];
    {
        // One app at a time: this one ends with the block.
        let app = TestApp::start().await;
        let response = register_with(&app, &rebound, &unique_name("rebound")).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "trusting Host lets it in"
        );
    }

    let app = TestApp::start_with(&[("LATCHKEY_PUBLIC_ORIGIN", "http://login.example")]).await;
    let response = register_with(&app, &rebound, &unique_name("rebound")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let own = app.base.clone();
    let response = register_with(&app, &[("origin", &own)], &unique_name("rebound")).await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "only the public origin is ours"
    );
    let response = register_with(
        &app,
        &[("origin", "http://login.example")],
        &unique_name("public"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        1
    );
}
