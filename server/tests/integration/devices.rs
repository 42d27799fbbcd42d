//! Every signed-in browser is a device the user can see and sign out at once.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::clock_at;
use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn devices(client: &Client, app: &TestApp) -> (StatusCode, Value) {
    let response = client
        .post(app.url("/api/devices"))
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn whoami(client: &Client, app: &TestApp) -> Option<String> {
    current_username(client, &app.base, None).await
}

#[tokio::test]
async fn the_device_list_shows_every_browser_and_marks_this_one() {
    let app = TestApp::start().await;
    let name = unique_name("multi");
    app.register(&name, PASSWORD).await;
    let _laptop = app.second_browser(&name, FIREFOX).await;

    let (status, list) = devices(&app.client, &app).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|d| d["current"] == true).count(), 1);
    let firefox = list.iter().find(|d| d["current"] == false).unwrap();
    assert_eq!(firefox["browser"], "Firefox 133");
    assert_eq!(firefox["os"], "Linux");
    assert_eq!(firefox["ip"], "127.0.0.1");
}

#[tokio::test]
async fn signing_out_device_b_from_a_makes_b_anonymous_at_once_while_a_stays() {
    let app = TestApp::start().await;
    let name = unique_name("revoke");
    app.register(&name, PASSWORD).await;
    let laptop = app.second_browser(&name, FIREFOX).await;
    assert_eq!(whoami(&laptop, &app).await, Some(name.clone()));

    let (_, list) = devices(&app.client, &app).await;
    let other = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == false)
        .unwrap()["id"]
        .to_string();
    let sessions = "SELECT COUNT(*) FROM latchkey_sessions";
    assert_eq!(app.count(sessions, None).await, 2);
    let response = app.post("revoke_device", &[("device", &other)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Its session row is deleted at once, not left to expire.
    assert_eq!(app.count(sessions, None).await, 1);
    // The revoked browser is told why, by the page it asks for next (its first
    // request since, so it still carries the cookie).
    let page = laptop
        .get(app.url("/settings/profile"))
        .send()
        .await
        .unwrap();
    let login = location(&page).unwrap();
    assert_eq!(login, "/login?next=/settings/profile&why=elsewhere");
    let html = laptop
        .get(app.url(&login))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("This device was signed out from another device."),
        "{html}"
    );

    assert_eq!(
        whoami(&laptop, &app).await,
        None,
        "the revoked browser is anonymous at its next request"
    );
    assert_eq!(app.current_username().await, Some(name));
    let (_, list) = devices(&app.client, &app).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn signing_out_everywhere_else_keeps_only_this_browser() {
    let app = TestApp::start().await;
    let name = unique_name("others");
    app.register(&name, PASSWORD).await;
    let first = app.second_browser(&name, FIREFOX).await;
    let second = app.second_browser(&name, "curl/8.5.0").await;

    let response = app.post("revoke_other_devices", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "2");
    assert_eq!(whoami(&first, &app).await, None);
    assert_eq!(whoami(&second, &app).await, None);
    assert_eq!(app.current_username().await, Some(name));
}

#[tokio::test]
async fn nobody_can_see_or_sign_out_another_users_devices() {
    let app = TestApp::start().await;
    let victim = unique_name("victim");
    app.register(&victim, PASSWORD).await;
    let (_, list) = devices(&app.client, &app).await;
    let victims_device = list[0]["id"].to_string();

    let attacker = unique_name("attacker");
    let other = app.stranger();
    other
        .post(app.url("/api/register"))
        .form(&[
            ("username", attacker.as_str()),
            ("email", "e@example.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let attacker_browser = app.second_browser(&attacker, FIREFOX).await;
    let response = attacker_browser
        .post(app.url("/api/revoke_device"))
        .form(&[("device", victims_device.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.current_username().await,
        Some(victim),
        "the victim stays signed in"
    );

    let (_, seen) = devices(&attacker_browser, &app).await;
    assert!(seen
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["id"].as_i64() != victims_device.parse::<i64>().ok()));
    let (status, _) = devices(&app.stranger(), &app).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logging_out_removes_the_device_and_logging_in_again_replaces_it() {
    let app = TestApp::start().await;
    let name = unique_name("tidy");
    app.register(&name, PASSWORD).await;
    let laptop = app.second_browser(&name, FIREFOX).await;
    laptop
        .post(app.url("/api/logout"))
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap();
    let (_, list) = devices(&app.client, &app).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    app.log_in(&name, PASSWORD).await;
    let (_, list) = devices(&app.client, &app).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "signing in again does not leave a stale device"
    );
}

/// Each device says when its sign-in ends if it is not used again: the
/// session's idle end for a plain sign-in, the token's for a remembered one.
#[tokio::test]
async fn each_device_says_when_its_sign_in_ends() {
    let now = 1_800_000_000;
    let app = TestApp::start_with_clock(&[], clock_at(now)).await;
    let name = unique_name("ends");
    app.register(&name, PASSWORD).await;
    let remembered = app.stranger_with_cookies();
    let response = remembered
        .post(app.url("/api/login"))
        .form(&[
            ("username", name.as_str()),
            ("password", PASSWORD),
            ("remember", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let (_, list) = devices(&app.client, &app).await;
    let list = list.as_array().unwrap();
    let this = list.iter().find(|d| d["current"] == true).unwrap();
    let other = list.iter().find(|d| d["current"] == false).unwrap();
    assert_eq!(this["ends_at"], now + 30 * 60, "30 idle minutes");
    assert_eq!(
        other["ends_at"],
        now + 30 * 24 * 60 * 60,
        "the token's 30 days"
    );
}
