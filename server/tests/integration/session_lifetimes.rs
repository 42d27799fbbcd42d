//! Sessions end server-side after their idle or absolute lifetime, on a clock
//! the tests move instead of sleeping.

use latchkey::clock::Clock;
use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::harness::{
    current_username, location, redirect_with_cookie, unique_name, TestApp, PASSWORD,
};

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;

async fn signed_in_app(vars: &[(&str, &str)]) -> (TestApp, Clock, String) {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(vars, clock.clone()).await;
    let name = unique_name("clock");
    assert_eq!(app.register(&name, PASSWORD).await.status(), StatusCode::OK);
    (app, clock, name)
}

#[tokio::test]
async fn thirty_idle_minutes_make_a_session_anonymous_even_with_its_cookie() {
    let (app, clock, name) = signed_in_app(&[]).await;
    let cookie = app.session_cookie().unwrap();
    clock.advance(secs(29 * MINUTE));
    assert_eq!(app.current_username().await, Some(name));

    clock.advance(secs(30 * MINUTE));
    assert_eq!(app.current_username().await, None);
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&cookie)).await,
        None
    );
    // The old cookie, on a page that needs a session: it is told its session
    // went unused too long (a browser with no cookie at all is told a log-in
    // is needed).
    let login = redirect_with_cookie(&app, "/settings/profile", &cookie)
        .await
        .unwrap();
    assert_eq!(login, "/login?next=/settings/profile&why=idle-30");
    let html = app.get(&login).await.text().await.unwrap();
    assert!(
        html.contains("Your session ended after 30 minutes without activity."),
        "{html}"
    );
    // A cookie naming a session the database never had: it ended, that is all
    // anyone can say.
    let forged = "latchkey_session=bm90LWEtc2Vzc2lvbg";
    assert_eq!(
        redirect_with_cookie(&app, "/settings/profile", forged)
            .await
            .as_deref(),
        Some("/login?next=/settings/profile&why=ended")
    );
    // A code that is not ours says nothing.
    let html = app.get("/login?why=suspended").await.text().await.unwrap();
    assert!(!html.contains("Your session has ended") && !html.contains("Please log in to see"));
}

#[tokio::test]
async fn using_a_session_keeps_it_alive_past_the_idle_limit() {
    let (app, clock, name) = signed_in_app(&[]).await;
    for _ in 0..4 {
        clock.advance(secs(20 * MINUTE));
        assert_eq!(app.current_username().await.as_deref(), Some(name.as_str()));
    }
}

#[tokio::test]
async fn twelve_hours_end_a_session_however_busy() {
    let (app, clock, name) = signed_in_app(&[]).await;
    let mut elapsed = 0;
    while elapsed + 20 * MINUTE < 12 * HOUR {
        clock.advance(secs(20 * MINUTE));
        elapsed += 20 * MINUTE;
        assert_eq!(
            app.current_username().await.as_deref(),
            Some(name.as_str()),
            "at {elapsed} s"
        );
    }
    clock.advance(secs(12 * HOUR - elapsed));
    let page = app.get("/settings/profile").await;
    assert_eq!(
        location(&page).as_deref(),
        Some("/login?next=/settings/profile&why=old-12")
    );
    assert_eq!(app.current_username().await, None);
}

#[tokio::test]
async fn a_remembered_session_outlives_the_idle_limit() {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let name = unique_name("keep");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    let response = app.log_in_remembered(&name).await;
    assert_eq!(response.status(), StatusCode::OK);
    clock.advance(secs(6 * HOUR));
    assert_eq!(app.current_username().await, Some(name));
    clock.advance(secs(30 * 24 * HOUR));
    assert_eq!(app.current_username().await, None);
}

#[tokio::test]
async fn lifetimes_follow_the_configuration() {
    let (app, clock, _) = signed_in_app(&[("LATCHKEY_SESSION_IDLE_MINUTES", "5")]).await;
    clock.advance(secs(6 * MINUTE));
    assert_eq!(app.current_username().await, None);
}
