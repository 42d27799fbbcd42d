use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{location, unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn registering_signs_the_user_in_and_lands_on_their_profile() {
    let app = TestApp::start().await;
    let response = app.register("NewUser", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/users/NewUser"));
    assert_eq!(app.current_username().await.as_deref(), Some("NewUser"));

    let profile = app.get("/users/NewUser").await;
    assert_eq!(profile.status(), StatusCode::OK);
    let html = profile.text().await.unwrap();
    assert!(
        html.contains("Welcome, NewUser"),
        "the welcome flash shows on the profile"
    );
    let again = app.get("/users/NewUser").await.text().await.unwrap();
    assert!(!again.contains("Welcome, NewUser"), "a flash shows once");
}

#[tokio::test]
async fn a_name_taken_in_another_case_is_refused_next_to_the_username_field() {
    let app = TestApp::start().await;
    assert_eq!(
        app.register("alice", PASSWORD).await.status(),
        StatusCode::OK
    );
    let other = TestApp::stranger(&app);
    let response = other
        .post(app.url("/api/register"))
        .form(&[
            ("username", "ALICE"),
            ("email", "e@example.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"Invalid": [{"field": "Username", "message": "That username is taken."}]})
    );
}

#[tokio::test]
async fn invalid_fields_are_all_reported_and_nothing_is_created() {
    let app = TestApp::start().await;
    let response = app.register("a b", "short").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Username", "Email", "Password"]);
    assert_eq!(app.current_username().await, None);
    assert!(
        app.session_cookie().is_none(),
        "a refused registration starts no session"
    );
}

#[tokio::test]
async fn a_missing_field_is_a_bad_request_not_a_server_error() {
    let app = TestApp::start().await;
    let response = app.post("register", &[("username", "someone")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["BadRequest"].as_str().unwrap().contains("email"),
        "{body}"
    );
}

#[tokio::test]
async fn unicode_passphrases_with_spaces_and_emoji_work_unchanged() {
    let app = TestApp::start().await;
    let name = unique_name("emoji");
    let passphrase = " 🔑 ünïcödé pass phrase 🔒 ";
    assert_eq!(
        app.register(&name, passphrase).await.status(),
        StatusCode::OK
    );
    app.log_out().await;
    assert_eq!(
        app.log_in(&name, passphrase.trim()).await.status(),
        StatusCode::UNAUTHORIZED,
        "never trimmed"
    );
    assert_eq!(app.log_in(&name, passphrase).await.status(), StatusCode::OK);
}
