//! Passkeys end to end, with a software authenticator as the browser's
//! device: added in sudo mode, signing in alone, as a sign-in's second
//! step, and for sudo mode; each answer works once, even brought by ten
//! requests at once; a clone whose counter goes back is refused; only the
//! owner renames or removes one.

use latchkey::clock::Clock;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};
use crate::second_factor::call;
use software_passkey::Authenticator;

/// The site's origin: a host name, as passkeys need (the server still
/// listens on 127.0.0.1).
pub(crate) const ORIGIN: &str = "http://localhost";
const START: i64 = 1_800_000_000;

pub(crate) async fn options(client: &Client, app: &TestApp, function: &str) -> String {
    let answer = call(client, app, function, &[]).await;
    assert_eq!(answer.status(), StatusCode::OK, "{function}");
    answer.json().await.unwrap()
}

pub(crate) async fn status(client: &Client, app: &TestApp) -> Value {
    call(client, app, "security_status", &[])
        .await
        .json()
        .await
        .unwrap()
}

/// A signed-in user (in sudo mode, as registration leaves them) who added a
/// passkey named "Laptop" on `device`; answers their name.
pub(crate) async fn with_passkey(app: &TestApp, device: &mut Authenticator) -> String {
    let name = unique_name("passkey");
    app.register(&name, PASSWORD).await;
    let created = device.create(&options(&app.client, app, "passkey_registration_options").await);
    let form = [("name", "Laptop"), ("credential", created.as_str())];
    let added = call(&app.client, app, "add_passkey", &form).await;
    assert_eq!(added.status(), StatusCode::OK);
    name
}

/// Signs `browser` in with `device`'s first passkey alone.
pub(crate) async fn passkey_sign_in(
    app: &TestApp,
    browser: &Client,
    device: &mut Authenticator,
) -> u16 {
    let answer = device.get(0, &options(browser, app, "passkey_sign_in_options").await);
    let form = [("credential", answer.as_str())];
    call(browser, app, "passkey_sign_in", &form)
        .await
        .status()
        .as_u16()
}

/// How the device list says `browser` signed in.
async fn signed_in_with(browser: &Client, app: &TestApp) -> Value {
    let devices: Value = call(browser, app, "devices", &[])
        .await
        .json()
        .await
        .unwrap();
    let this = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == true);
    this.expect("this device")["signed_in_with"].clone()
}

#[tokio::test]
async fn a_passkey_signs_in_alone_on_a_new_browser_and_its_answer_works_once() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    let name = with_passkey(&app, &mut device).await;
    let added = status(&app.client, &app).await;
    assert_eq!(added["passkeys"][0]["name"], "Laptop");
    assert_eq!(added["passkeys"][0]["last_used_at"], Value::Null);
    let codes = added["fresh_codes"].as_array().expect("recovery codes");
    assert_eq!(codes.len(), 10, "the first second factor brings them");

    let browser = app.stranger_with_cookies();
    let answer = device.get(0, &options(&browser, &app, "passkey_sign_in_options").await);
    let form = [
        ("credential", answer.as_str()),
        ("next", "/settings/devices"),
    ];
    let signed_in = call(&browser, &app, "passkey_sign_in", &form).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(location(&signed_in).as_deref(), Some("/settings/devices"));
    assert_eq!(
        current_username(&browser, &app.base, None).await,
        Some(name)
    );
    assert_eq!(signed_in_with(&browser, &app).await, "passkey");
    assert!(status(&browser, &app).await["passkeys"][0]["last_used_at"].is_i64());

    let again = call(&browser, &app, "passkey_sign_in", &form).await;
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "the ceremony is over"
    );
}

#[tokio::test]
async fn one_passkey_answer_signs_in_once_though_ten_requests_bring_it_at_once() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    with_passkey(&app, &mut device).await;
    // The victim's browser asked; whoever holds its cookie and its answer
    // sends the answer ten times at once, each request reading the same
    // ceremony from the session before any of them removes it.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let victim = app.browser_with(jar.clone());
    let answer = device.get(0, &options(&victim, &app, "passkey_sign_in_options").await);
    let mut copies = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (copy, url, answer) = (
            app.browser_with(jar.clone()),
            app.url("/api/passkey_sign_in"),
            answer.clone(),
        );
        copies.spawn(async move {
            let form = [("credential", answer)];
            copy.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = copies.join_all().await;
    let signed_in = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(signed_in, 1, "{statuses:?}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM latchkey_activity WHERE kind = 'sign_in_passkey'",
            None
        )
        .await,
        1
    );
}

#[tokio::test]
async fn an_answer_to_another_browsers_challenge_is_refused() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    with_passkey(&app, &mut device).await;
    let victim = app.stranger_with_cookies();
    let stolen = device.get(0, &options(&victim, &app, "passkey_sign_in_options").await);
    let attacker = app.stranger_with_cookies();
    options(&attacker, &app, "passkey_sign_in_options").await;
    let form = [("credential", stolen.as_str())];
    let refused = call(&attacker, &app, "passkey_sign_in", &form).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(current_username(&attacker, &app.base, None).await, None);

    // Signed for another site (a phishing page's origin): refused too.
    let mut phished = Authenticator::new("http://localhost.evil.test");
    phished.credentials = device.credentials.clone();
    let answer = phished.get(
        0,
        &options(&attacker, &app, "passkey_sign_in_options").await,
    );
    let form = [("credential", answer.as_str())];
    let refused = call(&attacker, &app, "passkey_sign_in", &form).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_cloned_passkey_whose_counter_goes_back_is_refused() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    with_passkey(&app, &mut device).await;
    let mut clone = Authenticator::new(ORIGIN);
    clone.credentials = device.credentials.clone();
    assert_eq!(
        passkey_sign_in(&app, &app.stranger_with_cookies(), &mut device).await,
        200
    );
    assert_eq!(
        passkey_sign_in(&app, &app.stranger_with_cookies(), &mut device).await,
        200
    );
    // The copy signs with counter 1, behind the 2 the server has seen.
    let copy = app.stranger_with_cookies();
    assert_eq!(passkey_sign_in(&app, &copy, &mut clone).await, 403);
    assert_eq!(current_username(&copy, &app.base, None).await, None);
}

#[tokio::test]
async fn with_a_passkey_the_password_asks_for_it_and_the_passkey_answers() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    let name = with_passkey(&app, &mut device).await;
    let browser = app.stranger_with_cookies();
    let form = [("username", name.as_str()), ("password", PASSWORD)];
    let password = call(&browser, &app, "login", &form).await;
    assert_eq!(location(&password).as_deref(), Some("/login/factor"));
    assert_eq!(current_username(&browser, &app.base, None).await, None);

    let answer = device.get(0, &options(&browser, &app, "passkey_factor_options").await);
    let form = [("credential", answer.as_str())];
    let factor = call(&browser, &app, "passkey_factor", &form).await;
    assert_eq!(factor.status(), StatusCode::OK);
    assert_eq!(
        current_username(&browser, &app.base, None).await,
        Some(name)
    );
    assert_eq!(signed_in_with(&browser, &app).await, "password and passkey");
}

#[tokio::test]
async fn sudo_mode_opens_with_a_passkey() {
    let clock = clock_at(START);
    let app = TestApp::start_at(ORIGIN, clock.clone()).await;
    let mut device = Authenticator::new(ORIGIN);
    with_passkey(&app, &mut device).await;
    let asks: Value = call(&app.client, &app, "sudo_asks", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (asks["code"].clone(), asks["passkey"].clone()),
        (true.into(), true.into())
    );
    clock.advance(secs(11 * 60));
    let sudo = || async {
        call(&app.client, &app, "sudo", &[])
            .await
            .json::<bool>()
            .await
            .unwrap()
    };
    assert!(!sudo().await);
    let answer = device.get(0, &options(&app.client, &app, "passkey_sudo_options").await);
    let form = [
        ("credential", answer.as_str()),
        ("next", "/settings/security"),
    ];
    let confirmed = call(&app.client, &app, "passkey_sudo", &form).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(location(&confirmed).as_deref(), Some("/settings/security"));
    assert!(sudo().await);
}

#[tokio::test]
async fn only_the_owner_renames_or_removes_a_passkey_and_the_last_one_takes_the_codes() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let mut device = Authenticator::new(ORIGIN);
    let name = with_passkey(&app, &mut device).await;
    let id = status(&app.client, &app).await["passkeys"][0]["id"].to_string();

    let other = app.stranger_with_cookies();
    let other_name = unique_name("other");
    let form = [
        ("username", other_name.as_str()),
        ("email", "other@example.test"),
        ("password", PASSWORD),
    ];
    assert_eq!(
        call(&other, &app, "register", &form).await.status(),
        StatusCode::OK
    );
    let rename = [("id", id.as_str()), ("name", "Mine now")];
    let refused = call(&other, &app, "rename_passkey", &rename).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let remove = [("id", id.as_str())];
    let refused = call(&other, &app, "remove_passkey", &remove).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        status(&app.client, &app).await["passkeys"][0]["name"],
        "Laptop"
    );

    let blank = [("id", id.as_str()), ("name", "  ")];
    let refused = call(&app.client, &app, "rename_passkey", &blank).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rename = [("id", id.as_str()), ("name", "Work laptop")];
    assert_eq!(
        call(&app.client, &app, "rename_passkey", &rename)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        status(&app.client, &app).await["passkeys"][0]["name"],
        "Work laptop"
    );

    assert_eq!(
        call(&app.client, &app, "remove_passkey", &remove)
            .await
            .status(),
        StatusCode::OK
    );
    let after = status(&app.client, &app).await;
    assert_eq!(after["passkeys"], Value::Array(vec![]));
    assert_eq!(
        after["recovery_codes_left"], 0,
        "no second factor, no codes"
    );
    // Its answers no longer sign in, and the password alone does again.
    assert_eq!(
        passkey_sign_in(&app, &app.stranger_with_cookies(), &mut device).await,
        403
    );
    let browser = app.stranger_with_cookies();
    let form = [("username", name.as_str()), ("password", PASSWORD)];
    let password = call(&browser, &app, "login", &form).await;
    assert_eq!(location(&password).as_deref(), Some("/"));
}

#[tokio::test]
async fn on_an_ip_address_passkeys_are_off_and_the_page_says_why() {
    let app = TestApp::start().await;
    app.register(&unique_name("no-passkeys"), PASSWORD).await;
    let refused = call(&app.client, &app, "passkey_registration_options", &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let shown = status(&app.client, &app).await;
    assert!(shown["passkeys_unavailable"]
        .as_str()
        .unwrap()
        .contains("host name"));
    let refused = call(
        &app.stranger_with_cookies(),
        &app,
        "passkey_sign_in_options",
        &[],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
