//! Users see their own security events, newest first, and never a secret.

use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{set_cookies, unique_name, TestApp, PASSWORD};

async fn kinds(app: &TestApp) -> Vec<String> {
    let response = app.post("activity", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn sign_ins_failures_sign_outs_and_remember_me_show_newest_first() {
    let app = TestApp::start().await;
    let name = unique_name("audit");
    app.register(&name, PASSWORD).await;
    app.log_in(&name, "a wrong password!").await;
    app.log_out().await;
    let response = app.log_in_remembered(&name).await;
    let remember = set_cookies(response.headers())
        .into_iter()
        .find(|c| c.starts_with("latchkey_remember="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    // A fresh browser with only the remember cookie.
    app.stranger()
        .get(app.url("/"))
        .header(COOKIE, &remember)
        .send()
        .await
        .unwrap();

    assert_eq!(
        kinds(&app).await,
        [
            "SignedInRemembered",
            "SignedInWithPassword",
            "SignedOut",
            "SignInFailed",
            "SignedInWithPassword",
            "AccountCreated",
        ]
    );
}

#[tokio::test]
async fn revoking_a_device_is_recorded_and_no_secret_ever_appears() {
    let app = TestApp::start().await;
    let name = unique_name("audit");
    app.register(&name, PASSWORD).await;
    let _other = app.second_browser(&name, "curl/8.5.0").await;
    app.post("revoke_other_devices", &[]).await;

    let response = app.post("activity", &[]).await;
    let text = response.text().await.unwrap();
    assert!(text.contains("DeviceRevoked"), "{text}");
    assert!(!text.contains(PASSWORD));
    assert!(!text.contains("argon2"));
    assert!(!text.contains(&app.session_cookie().unwrap()));
}

#[tokio::test]
async fn each_user_sees_only_their_own_activity_and_strangers_none() {
    let app = TestApp::start().await;
    let first = unique_name("mine");
    app.register(&first, PASSWORD).await;
    app.log_out().await;
    let second = unique_name("theirs");
    app.register(&second, PASSWORD).await;
    assert_eq!(
        kinds(&app).await,
        ["SignedInWithPassword", "AccountCreated"],
        "only the second user's own registration"
    );

    let anonymous = app
        .stranger()
        .post(app.url("/api/activity"))
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
