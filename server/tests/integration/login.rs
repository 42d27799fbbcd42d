use reqwest::StatusCode;

use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};

async fn registered(app: &TestApp) -> String {
    let name = unique_name("user");
    assert_eq!(app.register(&name, PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.log_out().await.status(), StatusCode::OK);
    name
}

#[tokio::test]
async fn logging_in_with_the_right_password_signs_in_and_returns_home() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    let response = app.log_in(&name.to_uppercase(), PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/"));
    assert_eq!(app.current_username().await, Some(name));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_identical_answers() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    let wrong_password = app.log_in(&name, "not the password at all").await;
    let unknown_user = app.log_in("nobody-here", PASSWORD).await;
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_user.status(), StatusCode::UNAUTHORIZED);
    let a = wrong_password.text().await.unwrap();
    let b = unknown_user.text().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a, "\"InvalidCredentials\"");
    assert_eq!(app.current_username().await, None);
}

#[tokio::test]
async fn the_session_id_changes_at_login() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    // Logging out left a session holding the flash message: that id is known
    // to anyone who could plant it.
    let before = app.session_cookie().expect("a session before login");
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
    let after = app.session_cookie().expect("a session after login");
    assert_ne!(before, after);
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&before)).await,
        None
    );
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&after)).await,
        Some(name)
    );
}

#[tokio::test]
async fn logging_out_deletes_the_session_so_a_replayed_cookie_is_anonymous() {
    let app = TestApp::start().await;
    let name = unique_name("leaver");
    app.register(&name, PASSWORD).await;
    let cookie = app.session_cookie().expect("signed in");
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&cookie)).await,
        Some(name)
    );

    let response = app.log_out().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/"));
    assert_eq!(app.current_username().await, None);
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&cookie)).await,
        None
    );
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("You have been logged out."));
}

#[tokio::test]
async fn login_returns_to_a_local_next_address() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    let response = app
        .post(
            "login",
            &[
                ("username", &name),
                ("password", PASSWORD),
                ("next", "/settings/profile?tab=1"),
            ],
        )
        .await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/settings/profile?tab=1")
    );
}

#[tokio::test]
async fn unsafe_next_addresses_fall_back_to_home() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    for next in [
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "/\t/evil.example",
        "",
    ] {
        let response = app
            .post(
                "login",
                &[("username", &name), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(location(&response).as_deref(), Some("/"), "next={next:?}");
    }
}

#[tokio::test]
async fn an_empty_username_or_password_is_a_field_error() {
    let app = TestApp::start().await;
    let response = app.log_in("", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Enter your username."));
    let response = app.log_in("someone", "").await;
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Enter your password."));
}

#[tokio::test]
async fn without_javascript_a_login_form_redirects_to_next_and_an_error_back_to_the_form() {
    let app = TestApp::start().await;
    let name = registered(&app).await;
    let referer = "/login?next=/settings/profile";
    let failed = app
        .post_html(
            "login",
            &[
                ("username", &name),
                ("password", "wrong password!!"),
                ("next", "/settings/profile"),
            ],
            referer,
        )
        .await;
    assert_eq!(failed.status(), StatusCode::FOUND);
    let back = location(&failed).unwrap();
    assert!(
        back.contains("/login?next=%2Fsettings%2Fprofile")
            || back.contains("/login?next=/settings/profile"),
        "{back}"
    );
    assert!(back.contains("__err="), "{back}");
    let page = app
        .get(back.trim_start_matches(&app.base))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Invalid username or password"),
        "the form shows the error after the redirect"
    );

    let ok = app
        .post_html(
            "login",
            &[
                ("username", &name),
                ("password", PASSWORD),
                ("next", "/settings/profile"),
            ],
            referer,
        )
        .await;
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(location(&ok).as_deref(), Some("/settings/profile"));
    assert_eq!(app.current_username().await, Some(name));
}
