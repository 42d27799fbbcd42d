//! The admin console and the operator's command line: the first admin
//! comes from `server admin grant`; every admin function is refused (403)
//! to anyone else; a lock ends the user's sessions at once and keeps them
//! out; two admins demoting each other at once leave one; every action is
//! in the audit log and in the user's own activity.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::{current_username, unique_name, TestApp, PASSWORD};
use crate::second_factor::call;

/// Every admin server function and the fields it takes. A test fails when
/// the app registers an `admin_` function missing here.
pub const ADMIN_FUNCTIONS: &[(&str, &[(&str, &str)])] = &[
    ("admin_users", &[("query", "")]),
    ("admin_user", &[("id", "1")]),
    ("admin_audit", &[]),
    ("admin_act", &[("id", "1"), ("action", "sign_out")]),
];

/// Runs `server admin ARGS` on `app`'s database and rule, as an operator would:
/// what it printed, and whether it succeeded.
pub fn admin_command(app: &TestApp, args: &[&str]) -> (String, bool) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("admin")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.config.database_url)
        .env(
            "LATCHKEY_REQUIRE_SECOND_FACTOR",
            app.config.second_factor_rule.name(),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("the server binary runs");
    let said = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (said, output.status.success())
}

/// A browser that registered `name` (in sudo mode, as registration leaves it).
pub(crate) async fn registered(app: &TestApp, name: &str) -> Client {
    let browser = app.stranger_with_cookies();
    let form = [
        ("username", name),
        ("email", &format!("{name}@example.test")),
        ("password", PASSWORD),
    ];
    assert_eq!(
        call(&browser, app, "register", &form).await.status(),
        StatusCode::OK
    );
    browser
}

/// A browser that registered `name`, set up an authenticator (the admin
/// console asks admins for a second factor) and was made an admin.
pub(crate) async fn registered_admin(app: &TestApp, name: &str) -> Client {
    let browser = registered(app, name).await;
    crate::second_factor::enrol_on(&browser, app, &latchkey::clock::Clock::system()).await;
    let (said, ok) = admin_command(app, &["grant", name]);
    assert!(ok, "{said}");
    browser
}

pub(crate) async fn user_id(admin: &Client, app: &TestApp, name: &str) -> String {
    let page: Value = call(admin, app, "admin_users", &[("query", name)])
        .await
        .json()
        .await
        .unwrap();
    page["users"][0]["id"].to_string()
}

pub(crate) async fn act(
    admin: &Client,
    app: &TestApp,
    id: &str,
    action: &str,
    reason: &str,
) -> StatusCode {
    let form = [("id", id), ("action", action), ("reason", reason)];
    call(admin, app, "admin_act", &form).await.status()
}

#[tokio::test]
async fn the_command_line_grants_revokes_and_lists_admins() {
    let app = TestApp::start().await;
    let name = unique_name("operator");
    registered(&app, &name).await;
    assert_eq!(
        admin_command(&app, &["list"]).0,
        "no administrators yet: server admin grant NAME"
    );
    let (said, ok) = admin_command(&app, &["grant", &name]);
    assert!(ok, "{said}");
    // Granted, and told that the console waits for a second factor.
    assert_eq!(
        said,
        format!(
            "{name} is now an administrator\n{name} has no second factor yet: the admin \
             console opens to them once they set one up (an authenticator app or a passkey, in \
             Settings, Security)"
        )
    );
    assert_eq!(admin_command(&app, &["list"]).0, name);
    let (said, ok) = admin_command(&app, &["grant", "nobody-at-all"]);
    assert!(!ok);
    assert_eq!(said, "there is no user named nobody-at-all");
    assert!(!admin_command(&app, &["frobnicate"]).1, "usage is an error");
    let (said, ok) = admin_command(&app, &["revoke", &name]);
    assert!(ok, "{said}");
    assert_eq!(
        admin_command(&app, &["list"]).0,
        "no administrators yet: server admin grant NAME"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM latchkey_admin_audit WHERE admin_name = 'command line'",
            None
        )
        .await,
        2
    );
}

#[tokio::test]
async fn every_admin_function_answers_403_to_a_plain_user_and_401_to_nobody() {
    let app = TestApp::start().await;
    let plain = registered(&app, &unique_name("plain")).await;
    let registered_paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|path| path.starts_with("/api/admin_"))
        .collect();
    for path in &registered_paths {
        let name = path.trim_start_matches("/api/");
        assert!(
            ADMIN_FUNCTIONS.iter().any(|(known, _)| *known == name),
            "{name} is not in ADMIN_FUNCTIONS"
        );
    }
    for (name, form) in ADMIN_FUNCTIONS {
        let answer = call(&plain, &app, name, form).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{name}");
        let body = answer.text().await.unwrap();
        assert!(!body.contains("example.test"), "{name} leaks: {body}");
        let nobody = call(&app.stranger(), &app, name, form).await;
        assert_eq!(nobody.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    // Every action, on a real user whose address is unconfirmed and with no
    // reason given: the role is checked before anything else is looked at.
    let target = unique_name("target");
    registered(&app, &target).await;
    let id = app.user_id(&target).await.to_string();
    for action in ADMIN_ACTIONS {
        for reason in ["", "a reason"] {
            let form = [("id", id.as_str()), ("action", action), ("reason", reason)];
            let answer = call(&plain, &app, "admin_act", &form).await;
            assert_eq!(
                answer.status(),
                StatusCode::FORBIDDEN,
                "{action} {reason:?}"
            );
            let body = answer.text().await.unwrap();
            assert!(body.contains("Administrators only"), "{action}: {body}");
        }
    }
}

/// Every action `admin_act` takes.
const ADMIN_ACTIONS: &[&str] = &[
    "lock",
    "unlock",
    "sign_out",
    "send_reset",
    "remove_factors",
    "make_admin",
    "make_user",
    "delete",
];

#[tokio::test]
async fn the_last_admin_cannot_delete_their_own_account() {
    let app = TestApp::start().await;
    let name = unique_name("soleadmin");
    let admin = registered(&app, &name).await;
    admin_command(&app, &["grant", &name]);
    let form = [("username", name.as_str()), ("password", PASSWORD)];
    let refused = call(&admin, &app, "delete_account", &form).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        current_username(&admin, &app.base, None).await.as_deref(),
        Some(name.as_str())
    );
    let other = unique_name("second");
    registered(&app, &other).await;
    admin_command(&app, &["grant", &other]);
    assert_eq!(
        call(&admin, &app, "delete_account", &form).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_lock_signs_the_user_out_at_once_and_keeps_every_way_in_shut() {
    let app = TestApp::start().await;
    let admin_name = unique_name("admin");
    let admin = registered_admin(&app, &admin_name).await;
    let name = unique_name("locked");
    let user = registered(&app, &name).await;
    let id = user_id(&admin, &app, &name).await;

    assert_eq!(
        act(&admin, &app, &id, "lock", "  ").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&admin, &app, &id, "lock", "Spam from this account").await,
        StatusCode::OK
    );
    assert_eq!(
        current_username(&user, &app.base, None).await,
        None,
        "signed out at once"
    );
    let form = [("username", name.as_str()), ("password", PASSWORD)];
    let refused = call(&app.stranger_with_cookies(), &app, "login", &form).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Spam from this account"),
        "the user sees why"
    );
    let detail: Value = call(&admin, &app, "admin_user", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["locked_reason"], "Spam from this account");
    assert_eq!(detail["devices"], Value::Array(vec![]));

    assert_eq!(act(&admin, &app, &id, "unlock", "").await, StatusCode::OK);
    let browser = app.stranger_with_cookies();
    assert_eq!(
        call(&browser, &app, "login", &form).await.status(),
        StatusCode::OK
    );
    let activity = call(&browser, &app, "activity", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        activity.contains("AdminLocked") && activity.contains("AdminUnlocked"),
        "{activity}"
    );
    let audit: Value = call(&admin, &app, "admin_audit", &[])
        .await
        .json()
        .await
        .unwrap();
    let last = &audit[0][1];
    assert_eq!(
        (last["action"].as_str(), last["by"].as_str()),
        (Some("Unlocked"), Some(admin_name.as_str()))
    );
    assert_eq!(audit[1][1]["reason"], "Spam from this account");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_and_none_acts_on_itself() {
    let app = TestApp::start().await;
    let (a_name, b_name) = (unique_name("admin-a"), unique_name("admin-b"));
    let a = registered_admin(&app, &a_name).await;
    let b = registered_admin(&app, &b_name).await;
    let (a_id, b_id) = (
        user_id(&a, &app, &a_name).await,
        user_id(&a, &app, &b_name).await,
    );
    for action in ["make_user", "lock", "delete"] {
        assert_eq!(
            act(&a, &app, &a_id, action, "by accident").await,
            StatusCode::BAD_REQUEST,
            "{action}"
        );
    }
    // Each demotes the other at the same moment, ten times over: one
    // wins each time, and an admin is always left.
    for round in 0..10 {
        for name in [&a_name, &b_name] {
            admin_command(&app, &["grant", name]);
        }
        let (one, two) = tokio::join!(
            act(&a, &app, &b_id, "make_user", ""),
            act(&b, &app, &a_id, "make_user", ""),
        );
        let done = [one, two].iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(done, 1, "round {round}: {one} {two}");
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM latchkey_users WHERE role = 'admin'",
                None
            )
            .await,
            1
        );
    }
}

#[tokio::test]
async fn an_admin_sends_a_reset_removes_lost_factors_and_deletes() {
    let clock = latchkey::clock::Clock::system();
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let admin_name = unique_name("admin");
    let admin = registered_admin(&app, &admin_name).await;
    // The user is the app's own browser (the second-factor helpers use it).
    let name = unique_name("helped");
    app.register(&name, PASSWORD).await;
    let user = app.client.clone();
    let id = user_id(&admin, &app, &name).await;

    // A reset link goes only to a confirmed address.
    assert_eq!(
        act(&admin, &app, &id, "send_reset", "").await,
        StatusCode::FORBIDDEN
    );
    let pool = app.database().await;
    sqlx::query(&format!(
        "UPDATE latchkey_users SET email_verified_at = 1 WHERE id = {id}"
    ))
    .execute(&pool)
    .await
    .unwrap();
    let mails = "SELECT COUNT(*) FROM latchkey_outbox WHERE subject LIKE '%password%'";
    let before = app.count(mails, None).await;
    assert_eq!(
        act(&admin, &app, &id, "send_reset", "").await,
        StatusCode::OK
    );
    assert_eq!(app.count(mails, None).await, before + 1);

    // A user who lost their phone: the authenticator and codes go.
    crate::second_factor::enrol(&app, &clock).await;
    assert_eq!(
        act(&admin, &app, &id, "remove_factors", "").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(
            &admin,
            &app,
            &id,
            "remove_factors",
            "Lost phone, checked ID"
        )
        .await,
        StatusCode::OK
    );
    let told = "SELECT COUNT(*) FROM latchkey_outbox
                WHERE text_body LIKE '%An administrator removed your second factors%'";
    assert_eq!(app.count(told, None).await, 1, "the user is mailed");
    let status: Value = call(&user, &app, "security_status", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            status["totp"].as_str(),
            status["recovery_codes_left"].as_i64()
        ),
        (Some("Off"), Some(0))
    );

    assert_eq!(act(&admin, &app, &id, "delete", "").await, StatusCode::OK);
    assert_eq!(current_username(&user, &app.base, None).await, None);
    let audit: Value = call(&admin, &app, "admin_audit", &[])
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[1]["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..3], ["Deleted", "RemovedFactors", "SentReset"]);
    assert_eq!(audit[1][1]["reason"], "Lost phone, checked ID");
}
