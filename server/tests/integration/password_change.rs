//! Changing the password signs every other device out and gives this one a new session id.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{
    current_username, location, redirect_with_cookie, unique_name, TestApp, PASSWORD,
};

const NEW: &str = "a brand new passphrase";

#[tokio::test]
async fn a_password_change_signs_the_others_out_and_renews_this_session() {
    let app = TestApp::start().await;
    let name = unique_name("pw");
    app.register(&name, PASSWORD).await;
    let laptop = app.second_browser(&name, "curl/8.5.0").await;
    let before = app.session_cookie().unwrap();

    let response = app
        .post(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", NEW)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/settings/devices"));
    // Asking for a page (its first request since), the other device is told
    // it was signed out from another one.
    let page = laptop
        .get(app.url("/settings/profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&page).as_deref(),
        Some("/login?next=/settings/profile&why=elsewhere")
    );

    assert_eq!(
        current_username(&laptop, &app.base, None).await,
        None,
        "the other device is out"
    );
    assert_eq!(
        app.current_username().await,
        Some(name.clone()),
        "this one stays in"
    );
    assert_ne!(
        app.session_cookie().unwrap(),
        before,
        "with a new session id"
    );
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&before)).await,
        None
    );
    // This browser's own old id was renewed, not signed out from elsewhere.
    assert_eq!(
        redirect_with_cookie(&app, "/settings/profile", &before)
            .await
            .as_deref(),
        Some("/login?next=/settings/profile&why=ended")
    );

    app.log_out().await;
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.log_in(&name, NEW).await.status(), StatusCode::OK);
    let activity = app.post("activity", &[]).await.text().await.unwrap();
    assert!(activity.contains("PasswordChanged"));
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let app = TestApp::start().await;
    let name = unique_name("pw");
    app.register(&name, PASSWORD).await;

    let response = app
        .post(
            "change_password",
            &[("current_password", "not it at all"), ("new_password", NEW)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"Invalid": [{"field": "CurrentPassword", "message": "That is not your current password."}]})
    );

    let response = app
        .post(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Invalid"][0]["field"], "NewPassword");

    app.log_out().await;
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::OK,
        "the old password still works"
    );
}

#[tokio::test]
async fn changing_a_password_needs_a_session() {
    let app = TestApp::start().await;
    let response = app
        .post(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", NEW)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let page = app.get("/settings/password").await;
    assert_eq!(
        location(&page).as_deref(),
        Some("/login?next=/settings/password&why=needed")
    );
}
