//! "Remember me": a per-device token in its own cookie that starts a fresh
//! session when the browser has none, rotates on every use, and treats a
//! replayed old validator as theft.

use reqwest::header::COOKIE;
use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, set_cookies, unique_name, TestApp, PASSWORD};

const DAY: i64 = 24 * 60 * 60;

/// The `latchkey_remember=...` pair a response set, if any.
pub(crate) fn remember_pair(response: &reqwest::Response) -> Option<String> {
    set_cookies(response.headers())
        .into_iter()
        .find(|c| c.starts_with("latchkey_remember="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

/// Asks who is signed in presenting only `cookie`; returns the user and any new remember pair.
pub(crate) async fn present(app: &TestApp, cookie: &str) -> (Option<String>, Option<String>) {
    let response = app
        .stranger()
        .post(app.url("/api/current_user"))
        .header(COOKIE, cookie)
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let rotated = remember_pair(&response);
    let body: serde_json::Value = response.json().await.unwrap();
    (
        body.get("username")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        rotated,
    )
}

async fn remembered_user(app: &TestApp) -> (String, String) {
    let name = unique_name("remember");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    let response = app.log_in_remembered(&name).await;
    (name, remember_pair(&response).expect("a remember cookie"))
}

#[tokio::test]
async fn a_remember_cookie_signs_a_fresh_browser_in_and_rotates() {
    let app = TestApp::start().await;
    let (name, first) = remembered_user(&app).await;

    let (user, rotated) = present(&app, &first).await;
    assert_eq!(user.as_deref(), Some(name.as_str()));
    let rotated = rotated.expect("the validator is rotated");
    assert_ne!(rotated, first);
    assert_eq!(
        rotated.split('.').next(),
        first.split('.').next(),
        "same selector, new validator"
    );
}

#[tokio::test]
async fn two_tabs_racing_on_one_cookie_are_not_mistaken_for_theft() {
    let app = TestApp::start().await;
    let (name, first) = remembered_user(&app).await;
    let (_, rotated) = present(&app, &first).await;
    let rotated = rotated.unwrap();

    // A second request with the same, just-rotated cookie: no sign-in, no
    // cookie change, and above all no revocation.
    let (user, cookie) = present(&app, &first).await;
    assert_eq!(user, None);
    assert_eq!(
        cookie, None,
        "within the grace window the cookie is left alone"
    );
    assert_eq!(
        present(&app, &rotated).await.0.as_deref(),
        Some(name.as_str())
    );
}

#[tokio::test]
async fn an_old_validator_after_the_grace_window_is_theft_and_revokes_the_device() {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let (name, stolen) = remembered_user(&app).await;
    let (user, rotated) = present(&app, &stolen).await;
    assert_eq!(user.as_deref(), Some(name.as_str()));
    let rotated = rotated.unwrap();

    clock.advance(secs(5 * 60));
    let (user, cleared) = present(&app, &stolen).await;
    assert_eq!(user, None, "the thief is refused");
    assert!(
        cleared.unwrap().ends_with('='),
        "and told to drop the cookie"
    );
    assert_eq!(
        present(&app, &rotated).await.0,
        None,
        "the device's real cookie is revoked too"
    );
    // The device is gone, so the session its owner had on it is over as well.
    assert_eq!(app.current_username().await, None);
    // And the owner can see what happened.
    app.log_in(&name, PASSWORD).await;
    let activity = app.post("activity", &[]).await.text().await.unwrap();
    assert!(activity.contains("RememberTheftSignal"), "{activity}");
}

#[tokio::test]
async fn an_expired_token_does_not_sign_in() {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let (_, token) = remembered_user(&app).await;
    clock.advance(secs(30 * DAY));
    let (user, cleared) = present(&app, &token).await;
    assert_eq!(user, None);
    assert!(cleared.is_some());
}

/// Using a token rotates it but never extends it: thirty days after the
/// password was given, even a device used every day gives it again.
#[tokio::test]
async fn using_a_token_does_not_extend_it() {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let (name, mut token) = remembered_user(&app).await;
    for _ in 0..29 {
        clock.advance(secs(DAY));
        let response = app
            .stranger()
            .post(app.url("/api/current_user"))
            .header(COOKIE, &token)
            .form(&[("", ""); 0])
            .send()
            .await
            .unwrap();
        let set = set_cookies(response.headers())
            .into_iter()
            .find(|c| c.starts_with("latchkey_remember="))
            .expect("signed in and rotated");
        token = set.split(';').next().unwrap().to_string();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["username"].as_str(), Some(name.as_str()));
        // The browser keeps the rotated cookie only as long as it lives.
        let left = 1_800_000_000 + 30 * DAY - clock.now().seconds();
        assert!(set.contains(&format!("Max-Age={left}")), "{set}");
    }
    clock.advance(secs(DAY));
    let (user, cleared) = present(&app, &token).await;
    assert_eq!(user, None, "thirty days after the password");
    assert!(cleared.is_some());
}

#[tokio::test]
async fn logging_out_clears_the_cookie_and_kills_the_token() {
    let app = TestApp::start().await;
    let (_, token) = remembered_user(&app).await;
    let response = app.log_out().await;
    let cleared = set_cookies(response.headers())
        .into_iter()
        .find(|c| c.starts_with("latchkey_remember="))
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(present(&app, &token).await.0, None);
}

#[tokio::test]
async fn garbage_remember_cookies_are_anonymous_never_an_error() {
    let app = TestApp::start().await;
    for cookie in [
        "latchkey_remember=",
        "latchkey_remember=nonsense",
        "latchkey_remember=00000000000000000000000000000000.0000000000000000000000000000000000000000000000000000000000000000",
        "latchkey_remember=' OR 1=1 --",
    ] {
        assert_eq!(current_username(&app.stranger(), &app.base, Some(cookie)).await, None, "{cookie}");
        let page = app.stranger().get(app.url("/")).header(COOKIE, cookie).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        // A value that is no token of ours can never sign in: the browser is told to drop it.
        if cookie != "latchkey_remember=" {
            let (user, cleared) = present(&app, cookie).await;
            assert_eq!(user, None);
            assert_eq!(cleared.as_deref(), Some("latchkey_remember="), "{cookie}");
        }
    }
}

#[tokio::test]
async fn zero_remember_days_turn_remember_me_off_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::harness::fresh_database(dir.path()).await;
    let (name, cookie) = {
        let app = TestApp::start_with(&[("DATABASE_URL", &db)]).await;
        let page = app.get("/login").await.text().await.unwrap();
        assert!(
            page.contains("Remember me on this device"),
            "offered by default"
        );
        remembered_user(&app).await
    };
    let app = TestApp::start_with(&[("DATABASE_URL", &db), ("LATCHKEY_REMEMBER_DAYS", "0")]).await;
    let page = app.get("/login").await.text().await.unwrap();
    assert!(!page.contains("Remember me"), "not offered");
    let response = app.log_in_remembered(&name).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(remember_pair(&response), None, "no remember cookie");
    let (user, _) = present(&app, &cookie).await;
    assert_eq!(user, None, "a cookie from before is refused");
}

/// A remember-me cookie of a locked account resumes nothing, even while its
/// device is still there (a lock that raced it, or one written by hand):
/// the resume itself reads the lock, and the device goes.
#[tokio::test]
async fn a_locked_accounts_remember_cookie_resumes_nothing() {
    let app = TestApp::start().await;
    let (name, cookie) = remembered_user(&app).await;
    let user = app.user_id(&name).await;
    let pool = app.database().await;
    sqlx::query("UPDATE latchkey_users SET locked_at = 1, locked_reason = 'by hand' WHERE id = $1")
        .bind(user)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (resumed, rotated) = present(&app, &cookie).await;
    assert_eq!(resumed, None);
    assert_eq!(
        rotated.as_deref(),
        Some("latchkey_remember="),
        "the cookie is cleared"
    );
    let devices = "SELECT COUNT(*) FROM latchkey_devices WHERE user_id = $1";
    assert_eq!(app.count(devices, Some(user)).await, 0);
}
