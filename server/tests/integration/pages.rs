use reqwest::StatusCode;

use crate::harness::{location, unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn an_anonymous_visit_to_a_login_required_page_is_redirected_before_any_content() {
    let app = TestApp::start().await;
    let response = app.get("/settings/profile").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some("/login?next=/settings/profile&why=needed")
    );
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("Edit your profile"),
        "nothing protected is sent"
    );
}

#[tokio::test]
async fn the_redirect_keeps_the_query_string() {
    let app = TestApp::start().await;
    let response = app.get("/settings/profile?tab=bio").await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/login?next=/settings/profile%3Ftab%3Dbio&why=needed")
    );
}

#[tokio::test]
async fn a_signed_in_user_sees_the_login_required_page_and_their_name_in_the_nav() {
    let app = TestApp::start().await;
    let name = unique_name("nav");
    app.register(&name, PASSWORD).await;
    let response = app.get("/settings/profile").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Edit your profile"));
    assert!(html.contains(&name));
}

#[tokio::test]
async fn current_user_is_rendered_into_the_page_so_the_client_need_not_ask() {
    let app = TestApp::start().await;
    let name = unique_name("ssr");
    app.register(&name, PASSWORD).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains(&format!("Hello, {name}")));
    // The resource's value is serialized for hydration.
    assert!(
        html.contains(&format!(r#"\"username\":\"{name}\""#))
            || html.contains(&format!(r#""username":"{name}""#)),
        "serialized resource missing"
    );
}

#[tokio::test]
async fn the_home_page_offers_log_in_and_register_to_anonymous_visitors() {
    let app = TestApp::start().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    let html = response.text().await.unwrap();
    assert!(html.contains("Log in") && html.contains("Register"));
}

#[tokio::test]
async fn unknown_pages_and_users_are_404() {
    let app = TestApp::start().await;
    assert_eq!(
        app.get("/no/such/page").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/users/ghost").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// The 404 page is the app's own page: a signed-in visitor is still signed
/// in there (the nav shows their name), and nothing is missing from its
/// context.
#[tokio::test]
async fn the_404_page_knows_who_is_signed_in() {
    let app = TestApp::start().await;
    let name = unique_name("lost");
    app.register(&name, PASSWORD).await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("/users/{name}")),
        "the nav shows the user"
    );
    assert!(!html.contains(">Log in<"), "{html}");
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::start().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::start().await;
    let huge = "x".repeat(200 * 1024);
    let response = app
        .post("login", &[("username", "someone"), ("password", &huge)])
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn many_concurrent_page_loads_on_one_app_all_complete() {
    let app = TestApp::start().await;
    let name = unique_name("busy");
    app.register(&name, PASSWORD).await;
    let signed_in = app.session_cookie().unwrap();
    let loads = (0..64).map(|i| {
        let client = app.stranger();
        let url = app.url(if i % 2 == 0 { "/" } else { "/settings/profile" });
        let cookie = (i % 4 < 2).then(|| signed_in.clone());
        tokio::spawn(async move {
            let mut request = client.get(url);
            if let Some(cookie) = cookie {
                request = request.header(reqwest::header::COOKIE, cookie);
            }
            request.send().await.map(|r| r.status())
        })
    });
    for load in loads {
        let status = load.await.unwrap().expect("every page load completes");
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "{status}"
        );
    }
}

#[tokio::test]
async fn the_devices_page_needs_a_session_and_lists_this_browser() {
    let app = TestApp::start().await;
    let response = app.get("/settings/devices").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some("/login?next=/settings/devices&why=needed")
    );

    app.register(&unique_name("dev"), PASSWORD).await;
    let html = app.get("/settings/devices").await.text().await.unwrap();
    assert!(
        html.contains("Where you&#x27;re signed in") || html.contains("Where you're signed in")
    );
    assert!(html.contains("This device"));
}

#[tokio::test]
async fn the_activity_page_lists_this_sign_in() {
    let app = TestApp::start().await;
    assert_eq!(
        app.get("/settings/activity").await.status(),
        StatusCode::SEE_OTHER
    );
    app.register(&unique_name("act"), PASSWORD).await;
    let html = app.get("/settings/activity").await.text().await.unwrap();
    assert!(html.contains("Recent activity") && html.contains("Signed in with password"));
}

/// The `<input>` tags of a page, as written.
fn inputs(html: &str) -> Vec<&str> {
    html.split("<input")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default())
        .collect()
}

/// ASVS 2.1.11: password managers fill and users paste. Every password field
/// carries the autocomplete token a manager reads, the name field too, and
/// nothing on the page blocks paste.
#[tokio::test]
async fn password_fields_name_themselves_to_password_managers_and_allow_paste() {
    let app = TestApp::start().await;
    let page = |path: &'static str| {
        let app = &app;
        async move { app.get(path).await.text().await.unwrap() }
    };
    let mut checked = Vec::new();
    for (path, expected) in [
        ("/login", "current-password"),
        ("/register", "new-password"),
    ] {
        let html = page(path).await;
        checked.push((path, html, expected));
    }
    app.register(&unique_name("manager"), PASSWORD).await;
    checked.push((
        "/settings/password",
        page("/settings/password").await,
        "new-password",
    ));
    for (path, html, expected) in &checked {
        let passwords: Vec<_> = inputs(html)
            .into_iter()
            .filter(|tag| tag.contains(r#"type="password""#))
            .collect();
        assert!(!passwords.is_empty(), "{path} has a password field");
        assert!(
            passwords
                .iter()
                .any(|tag| tag.contains(&format!(r#"autocomplete="{expected}""#))),
            "{path}: {passwords:?}"
        );
        assert!(
            passwords.iter().all(|tag| tag.contains("autocomplete=\"")
                && !tag.contains("autocomplete=\"off\"")),
            "{path}: {passwords:?}"
        );
        for blocker in ["onpaste", "oncopy", "ondrop"] {
            assert!(!html.contains(blocker), "{path} blocks with {blocker}");
        }
    }
    // The log-in page's field also offers passkeys in the same autofill.
    for ((path, html, _), token) in checked[..2].iter().zip(["username webauthn", "username"]) {
        assert!(
            inputs(html)
                .iter()
                .any(|tag| tag.contains(r#"name="username""#)
                    && tag.contains(&format!(r#"autocomplete="{token}""#))),
            "{path}"
        );
    }
}
