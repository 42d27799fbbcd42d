//! New passwords must be hard to guess: common, leaked-style and
//! name-based ones are refused with advice, on every form that sets one.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn registration_refuses_guessable_passwords_and_creates_nothing() {
    let app = TestApp::start().await;
    for (username, password) in [
        (unique_name("weak"), "password1234"),
        (unique_name("weak"), "qwertyuiopasdf"),
        ("margaretsmith".to_string(), "margaretsmith2024"),
    ] {
        let response = app.register(&username, password).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password}"
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains("This password is too easy to guess."),
            "{body}"
        );
        assert!(body.contains("\"field\":\"Password\""), "{body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        0
    );
}

#[tokio::test]
async fn a_password_change_refuses_a_guessable_new_password() {
    let app = TestApp::start().await;
    let name = unique_name("keeps");
    app.register(&name, PASSWORD).await;
    let response = app
        .post(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "iloveyou1234"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"field\":\"NewPassword\""), "{body}");
    app.log_out().await;
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_meter_scores_as_the_forms_judge() {
    let app = TestApp::start().await;
    let strength = |password: &'static str, username: &'static str| {
        let app = &app;
        async move {
            let response = app
                .post(
                    "password_strength",
                    &[("password", password), ("username", username)],
                )
                .await;
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, weak) = strength("password1234", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(weak["acceptable"], false);
    assert!(weak["score"].as_u64().unwrap() < 3);
    assert!(!weak["advice"].as_str().unwrap().is_empty());

    let (_, strong) = strength(PASSWORD, "").await;
    assert_eq!(strong["acceptable"], true);

    let (_, named) = strength("margaretsmith2024", "margaretsmith").await;
    assert_eq!(named["acceptable"], false, "the username counts as known");

    let long = "x".repeat(129);
    let response = app
        .post("password_strength", &[("password", long.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
