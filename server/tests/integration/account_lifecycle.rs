//! Changing the username, deleting the account, and "sudo mode": sensitive
//! actions need the password given within the last ten minutes.

use std::sync::Arc;

use reqwest::cookie::Jar;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, set_cookies, unique_name, TestApp, PASSWORD};

const MINUTE: i64 = 60;

async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON error"))
}

#[tokio::test]
async fn sudo_mode_asks_again_after_ten_moved_minutes() {
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let name = unique_name("sudo");
    app.register(&name, PASSWORD).await;
    let laptop = app.second_browser(&name, "curl/8.5.0").await;

    // Signing in counts as giving the password: sensitive pages open at once.
    clock.advance(secs(9 * MINUTE));
    assert_eq!(app.get("/settings/username").await.status(), StatusCode::OK);

    clock.advance(secs(2 * MINUTE));
    let page = app.get("/settings/username").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&page).as_deref(),
        Some("/settings/confirm?next=/settings/username")
    );
    let renamed = format!("{name}-x");
    for (function, form) in [
        ("change_username", vec![("username", renamed.as_str())]),
        ("revoke_other_devices", vec![]),
    ] {
        let (status, body) = error_of(app.post(function, &form).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{function}");
        assert_eq!(body, Value::String("ConfirmPassword".into()), "{function}");
    }
    assert_eq!(
        current_username(&laptop, &app.base, None).await.as_deref(),
        Some(name.as_str()),
        "nothing was signed out"
    );

    let (status, body) = error_of(
        app.post(
            "confirm_password",
            &[("password", "not my password at all")],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.to_string().contains("That is not your password."),
        "{body}"
    );

    let confirmed = app
        .post(
            "confirm_password",
            &[("password", PASSWORD), ("next", "/settings/username")],
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(location(&confirmed).as_deref(), Some("/settings/username"));
    assert_eq!(app.get("/settings/username").await.status(), StatusCode::OK);
    let response = app.post("change_username", &[("username", &renamed)]).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Ten minutes after the confirmation, it is asked for again.
    clock.advance(secs(10 * MINUTE));
    let (status, _) = error_of(app.post("revoke_other_devices", &[]).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_confirmation_returns_only_to_a_local_address() {
    let app = TestApp::start().await;
    let name = unique_name("sudo");
    app.register(&name, PASSWORD).await;
    let response = app
        .post(
            "confirm_password",
            &[("password", PASSWORD), ("next", "//evil.example/x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/"));
}

#[tokio::test]
async fn a_session_resumed_by_remember_me_must_confirm_the_password_first() {
    let app = TestApp::start().await;
    let name = unique_name("sudo");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    let response = app.log_in_remembered(&name).await;
    let remember = set_cookies(response.headers())
        .into_iter()
        .find(|c| c.starts_with("latchkey_remember="))
        .expect("a remember cookie");

    // A new browser window that kept only the remember cookie.
    let jar = Arc::new(Jar::default());
    jar.add_cookie_str(&remember, &app.base.parse().unwrap());
    let browser = app.browser_with(jar);
    assert_eq!(
        current_username(&browser, &app.base, None).await.as_deref(),
        Some(name.as_str())
    );
    let response = browser
        .post(app.url("/api/change_username"))
        .form(&[("username", "someone-else")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = browser
        .get(app.url("/settings/username"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_new_username_moves_the_profile_and_frees_the_old_name() {
    let app = TestApp::start().await;
    let old = unique_name("rename");
    let new = unique_name("renamed");
    app.register(&old, PASSWORD).await;

    let response = app.post("change_username", &[("username", &new)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response), Some(format!("/users/{new}")));
    assert_eq!(app.current_username().await, Some(new.clone()));
    assert_eq!(
        app.get(&format!("/users/{new}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/users/{old}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let activity = app.post("activity", &[]).await.text().await.unwrap();
    assert!(activity.contains("UsernameChanged"), "{activity}");

    // The old name is free; the new one logs in with the same password.
    let other = app.stranger();
    let registered = other
        .post(app.url("/api/register"))
        .form(&[
            ("username", old.as_str()),
            ("email", "e@example.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::OK);
    app.log_out().await;
    assert_eq!(app.log_in(&new, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_taken_invalid_or_unchanged_username_is_refused_with_its_reason() {
    let app = TestApp::start().await;
    let taken = unique_name("taken");
    app.register(&taken, PASSWORD).await;
    app.log_out().await;
    let name = unique_name("mine");
    app.register(&name, PASSWORD).await;

    for (attempt, message) in [
        (taken.to_uppercase(), "That username is taken."),
        ("no spaces allowed".to_string(), "letters"),
        ("ab".to_string(), "3"),
        (name.clone(), "That is already your username."),
    ] {
        let (status, body) =
            error_of(app.post("change_username", &[("username", &attempt)]).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{attempt}");
        assert!(body.to_string().contains(message), "{attempt}: {body}");
    }
    assert_eq!(app.current_username().await, Some(name));
    let anonymous = app.stranger();
    let response = anonymous
        .post(app.url("/api/change_username"))
        .form(&[("username", "anyone")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deleted_account_leaves_no_rows_behind() {
    let app = TestApp::start().await;
    // Someone else, whose rows must survive.
    let bystander = unique_name("stays");
    let other = app.stranger();
    let response = other
        .post(app.url("/api/register"))
        .form(&[
            ("username", bystander.as_str()),
            ("email", "e@example.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bystander_cookie = set_cookies(response.headers())
        .into_iter()
        .find(|c| {
            c.starts_with(latchkey::sessions::session_cookie_name(
                app.config.secure_cookies,
            ))
        })
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("a session cookie");

    // The account to delete: a profile, activity, and three devices, one of
    // them remembered.
    let name = unique_name("leaving");
    app.register(&name, PASSWORD).await;
    app.post(
        "update_profile",
        &[
            ("username", name.as_str()),
            ("display_name", "Leaving Soon"),
            ("bio", "Bye"),
            ("location", "Elsewhere"),
        ],
    )
    .await;
    let laptop = app.second_browser(&name, "curl/8.5.0").await;
    let phone = app.second_browser(&name, "curl/8.6.0").await;
    let remembered = phone
        .post(app.url("/api/login"))
        .form(&[
            ("username", name.as_str()),
            ("password", PASSWORD),
            ("remember", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(remembered.status(), StatusCode::OK);
    let user_id = app.user_id(&name).await;
    let mine = |table: &str| {
        let column = if table == "users" { "id" } else { "user_id" };
        format!("SELECT COUNT(*) FROM latchkey_{table} WHERE {column} = $1")
    };
    assert_eq!(app.count(&mine("devices"), Some(user_id)).await, 3);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_remember_tokens", None)
            .await,
        1
    );

    // Someone guessed at the account once (a throttle record).
    let guess = app
        .stranger()
        .post(app.url("/api/login"))
        .form(&[
            ("username", name.as_str()),
            ("password", "a wrong guess here"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);

    // The username not typed, or another's, deletes nothing and costs no
    // password attempt.
    for typed in ["", "someone-else", "x"] {
        let (status, body) = error_of(
            app.post(
                "delete_account",
                &[("username", typed), ("password", PASSWORD)],
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.to_string().contains("Type your username"), "{body}");
        assert!(
            body.to_string().contains("\"field\":\"Username\""),
            "{body}"
        );
    }
    assert_eq!(app.count(&mine("users"), Some(user_id)).await, 1);

    // A wrong password deletes nothing.
    let (status, body) = error_of(
        app.post(
            "delete_account",
            &[
                ("username", &name.to_uppercase()),
                ("password", "not the password!"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.to_string().contains("That is not your password."),
        "{body}"
    );
    assert_eq!(app.count(&mine("users"), Some(user_id)).await, 1);

    let response = app
        .post(
            "delete_account",
            &[("username", name.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/"));
    assert!(
        set_cookies(response.headers())
            .iter()
            .any(|c| c.starts_with("latchkey_remember=;") && c.contains("Max-Age=0")),
        "the remember cookie is cleared"
    );
    // The browser lands on the home page, anonymous, with a goodbye.
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("has been deleted"), "the flash shows");
    assert_eq!(app.current_username().await, None);
    for browser in [&laptop, &phone] {
        assert_eq!(current_username(browser, &app.base, None).await, None);
    }

    for table in ["users", "devices", "activity"] {
        assert_eq!(app.count(&mine(table), Some(user_id)).await, 0, "{table}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_remember_tokens", None)
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_login_throttle", None)
            .await,
        0,
        "no throttle record of the name or the user"
    );
    // Only the bystander's session is left in the session store.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_sessions", None)
            .await,
        1
    );
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&bystander_cookie))
            .await
            .as_deref(),
        Some(bystander.as_str())
    );
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// ASVS 7.2.4: a re-authentication (sudo mode) issues a new session id, and
/// the id the browser had before signs in nobody.
#[tokio::test]
async fn confirming_the_password_issues_a_new_session_id() {
    let app = TestApp::start().await;
    let name = unique_name("sudo");
    app.register(&name, PASSWORD).await;
    let before = app.session_cookie().expect("a session");
    let confirmed = app
        .post("confirm_password", &[("password", PASSWORD)])
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let after = app.session_cookie().expect("a session");
    assert_ne!(before, after, "a new id");
    assert_eq!(
        current_username(&app.stranger(), &app.base, Some(&before)).await,
        None,
        "the old id is worthless"
    );
    assert_eq!(app.current_username().await.as_deref(), Some(name.as_str()));
}
