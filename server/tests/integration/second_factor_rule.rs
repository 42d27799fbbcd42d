//! `LATCHKEY_REQUIRE_SECOND_FACTOR` (ASVS 5.0 6.3.3): by default the admin
//! console opens only to an admin with a second factor; with `everyone`,
//! an account without one can do nothing but set one up; with `none`, a
//! password opens the console.

use latchkey::clock::Clock;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::admin::{admin_command, registered, ADMIN_FUNCTIONS};
use crate::harness::{location, unique_name, TestApp, PASSWORD};
use crate::second_factor::{call, enrol, enrol_on};
use crate::server_functions::NEEDS_A_USER;

/// What the app answers an account that owes the site a second factor.
const FIRST: &str = "Set up a second factor first";

/// The functions that take no fields and that setting up a factor needs
/// (and the banner's "send the confirmation again"): they work for an
/// account that has none yet.
const SETTING_UP: &[&str] = &[
    "resend_verification",
    "security_status",
    "begin_totp",
    "sudo_asks",
    "passkey_sudo_options",
    "passkey_registration_options",
];

async fn refused(browser: &Client, app: &TestApp, function: &str, form: &[(&str, &str)]) -> bool {
    let answer = call(browser, app, function, form).await;
    let status = answer.status();
    let body = answer.text().await.unwrap();
    status == StatusCode::FORBIDDEN && body.contains(FIRST)
}

async fn current_user(browser: &Client, app: &TestApp) -> Value {
    call(browser, app, "current_user", &[])
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn by_default_the_admin_console_waits_for_the_admins_second_factor() {
    let app = TestApp::start().await;
    let name = unique_name("admin");
    let admin = registered(&app, &name).await;
    let (said, ok) = admin_command(&app, &["grant", &name]);
    assert!(ok && said.contains("has no second factor yet"), "{said}");

    // The password alone (and sudo mode, from registering) opens nothing.
    for (function, form) in ADMIN_FUNCTIONS {
        assert!(refused(&admin, &app, function, form).await, "{function}");
    }
    // The console says so, with the way to set one up.
    let page = admin.get(app.url("/admin")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains(FIRST), "{page}");
    assert!(
        page.contains(r#"<a href="/settings/security">Set one up now"#),
        "{page}"
    );

    enrol_on(&admin, &app, &Clock::system()).await;
    // (`admin_act` on user 1 would sign this admin out.)
    for (function, form) in ADMIN_FUNCTIONS.iter().filter(|(f, _)| *f != "admin_act") {
        assert!(!refused(&admin, &app, function, form).await, "{function}");
    }
    let users = call(&admin, &app, "admin_users", &[("query", "")]).await;
    assert_eq!(users.status(), StatusCode::OK);

    // The rule is read at each request, not at sign-in: without the factor
    // the console shuts again.
    let off = call(&admin, &app, "disable_totp", &[]).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(refused(&admin, &app, "admin_users", &[("query", "")]).await);
    // Someone else's account is theirs to choose: nothing is refused to it.
    assert_eq!(
        current_user(&admin, &app).await["second_factor_needed"],
        false
    );
    assert_eq!(
        call(&admin, &app, "devices", &[]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn with_none_a_password_opens_the_admin_console() {
    let app = TestApp::start_with(&[("LATCHKEY_REQUIRE_SECOND_FACTOR", "none")]).await;
    let name = unique_name("admin");
    let admin = registered(&app, &name).await;
    let (said, _) = admin_command(&app, &["grant", &name]);
    assert_eq!(said, format!("{name} is now an administrator"));
    let users = call(&admin, &app, "admin_users", &[("query", "")]).await;
    assert_eq!(users.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_everyone_an_account_can_only_set_up_a_factor_until_it_has_one() {
    let clock = Clock::system();
    let app = TestApp::start_with_clock(
        &[("LATCHKEY_REQUIRE_SECOND_FACTOR", "everyone")],
        clock.clone(),
    )
    .await;
    let name = unique_name("owes");
    app.register(&name, PASSWORD).await;
    let me = current_user(&app.client, &app).await;
    assert_eq!(me["username"], name.as_str());
    assert_eq!(me["second_factor_needed"], true);

    for function in NEEDS_A_USER {
        let setting_up = SETTING_UP.contains(function);
        assert_eq!(
            refused(&app.client, &app, function, &[]).await,
            !setting_up,
            "{function}"
        );
    }
    let change = [
        ("current_password", PASSWORD),
        ("new_password", "an0ther long passphrase"),
    ];
    assert!(refused(&app.client, &app, "change_password", &change).await);
    let profile = [
        ("username", name.as_str()),
        ("display_name", "Someone"),
        ("bio", ""),
        ("location", ""),
    ];
    assert!(refused(&app.client, &app, "update_profile", &profile).await);
    // Every guarded page sends the account to the security page, which
    // says why; the password confirmation it may need opens too.
    for page in [
        "/settings/devices",
        "/settings/profile",
        "/settings/password",
    ] {
        let answer = app.client.get(app.url(page)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(location(&answer).as_deref(), Some("/settings/security"));
    }
    let security = app.client.get(app.url("/settings/security")).send().await;
    let security = security.unwrap().text().await.unwrap();
    assert!(security.contains("This site asks every account for a second factor"));
    let confirm = app
        .client
        .get(app.url("/settings/confirm"))
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), StatusCode::OK);

    enrol(&app, &clock).await;
    assert_eq!(
        current_user(&app.client, &app).await["second_factor_needed"],
        false
    );
    for function in NEEDS_A_USER.iter().filter(|f| **f != "disable_totp") {
        assert!(
            !refused(&app.client, &app, function, &[]).await,
            "{function}"
        );
    }
    let devices = app
        .client
        .get(app.url("/settings/devices"))
        .send()
        .await
        .unwrap();
    assert_eq!(devices.status(), StatusCode::OK);
    // Without it again, the account owes it again.
    let off = call(&app.client, &app, "disable_totp", &[]).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(refused(&app.client, &app, "devices", &[]).await);
}

/// A second browser of an account that set up its factor elsewhere is let
/// in at once: the rule is the account's, read at each request.
#[tokio::test]
async fn with_everyone_a_factor_set_up_in_one_browser_opens_the_others() {
    let clock = Clock::system();
    let app = TestApp::start_with_clock(
        &[("LATCHKEY_REQUIRE_SECOND_FACTOR", "everyone")],
        clock.clone(),
    )
    .await;
    let name = unique_name("two");
    let first = registered(&app, &name).await;
    let second = app.second_browser(&name, "Second browser").await;
    assert!(refused(&second, &app, "devices", &[]).await);
    enrol_on(&first, &app, &clock).await;
    // Setting up a factor signs the account's other devices out (ASVS
    // 7.4.3), so the second browser signs in again, with its code now.
    assert_eq!(current_user(&second, &app).await, Value::Null);
    assert!(!refused(&first, &app, "devices", &[]).await);
}
