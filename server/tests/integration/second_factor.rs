//! An authenticator app (TOTP) and recovery codes end to end: set up with a
//! first code, then every sign-in is "password given, code pending" until a
//! code comes; codes work once; the step is throttled per account under
//! parallel guesses; sudo mode takes a code too.

use latchkey::clock::Clock;
use latchkey::factors::TotpSecret;
use latchkey::throttle::FREE_FAILURES;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, set_cookies, unique_name, TestApp, PASSWORD};

pub(crate) const START: i64 = 1_800_000_000;

pub(crate) async fn call(
    client: &Client,
    app: &TestApp,
    function: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/{function}")))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn status(client: &Client, app: &TestApp) -> Value {
    call(client, app, "security_status", &[])
        .await
        .json()
        .await
        .unwrap()
}

/// A signed-in user (in sudo mode, as registration leaves them) with the
/// authenticator on: the app, their name, the secret, the recovery codes.
pub(crate) async fn with_authenticator(
    clock: &Clock,
) -> (TestApp, String, TotpSecret, Vec<String>) {
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let name = unique_name("totp");
    app.register(&name, PASSWORD).await;
    let (secret, codes) = enrol(&app, clock).await;
    (app, name, secret, codes)
}

/// Sets up the authenticator of the app's signed-in user (in sudo mode):
/// its secret and recovery codes.
pub(crate) async fn enrol(app: &TestApp, clock: &Clock) -> (TotpSecret, Vec<String>) {
    enrol_on(&app.client, app, clock).await
}

/// Sets up the authenticator of `browser`'s user (in sudo mode).
pub(crate) async fn enrol_on(
    browser: &Client,
    app: &TestApp,
    clock: &Clock,
) -> (TotpSecret, Vec<String>) {
    assert_eq!(
        call(browser, app, "begin_totp", &[]).await.status(),
        StatusCode::OK
    );
    let enrolling = status(browser, app).await;
    let shown = enrolling["totp"]["Enrolling"]["secret"]
        .as_str()
        .expect("a secret to type");
    assert!(enrolling["totp"]["Enrolling"]["qr_svg"]
        .as_str()
        .unwrap()
        .contains("<svg"));
    let secret = TotpSecret::from_display(shown).unwrap();

    let wrong = call(browser, app, "confirm_totp", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        status(browser, app).await["totp"]["Enrolling"].is_object(),
        "still off"
    );
    let right = code(&secret, clock.now().seconds());
    assert_eq!(
        call(browser, app, "confirm_totp", &[("code", &right)])
            .await
            .status(),
        StatusCode::OK
    );
    let on = status(browser, app).await;
    assert_eq!(on["totp"], "On");
    let codes: Vec<String> = serde_json::from_value(on["fresh_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        status(browser, app).await["fresh_codes"],
        Value::Null,
        "shown once"
    );
    (secret, codes)
}

pub(crate) fn code(secret: &TotpSecret, now: i64) -> String {
    format!("{:06}", secret.code_at_step(now / 30))
}

/// A fresh browser that gave the right password: its code is pending.
pub(crate) async fn password_given(app: &TestApp, name: &str, remember: bool) -> Client {
    let browser = app.stranger_with_cookies();
    let mut form = vec![("username", name), ("password", PASSWORD)];
    if remember {
        form.push(("remember", "on"));
    }
    let answer = call(&browser, app, "login", &form).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(location(&answer).as_deref(), Some("/login/factor"));
    assert!(
        !set_cookies(answer.headers())
            .iter()
            .any(|c| c.starts_with("latchkey_remember=")),
        "no remember-me before the code"
    );
    browser
}

#[tokio::test]
async fn after_set_up_every_sign_in_waits_for_a_code_and_nothing_else_accepts_it() {
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let phone = password_given(&app, &name, true).await;

    // Pending is not signed in: no page, no server function but the code step.
    assert_eq!(current_username(&phone, &app.base, None).await, None);
    for function in crate::server_functions::NEEDS_A_USER {
        let answer = call(&phone, &app, function, &[]).await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{function}");
    }
    let page = phone
        .get(app.url("/settings/devices"))
        .send()
        .await
        .unwrap();
    assert_ne!(
        page.status(),
        StatusCode::OK,
        "a guarded page redirects to log in"
    );

    let wrong = call(&phone, &app, "verify_factor", &[("code", "123456")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    clock.advance(secs(30));
    let right = code(&secret, clock.now().seconds());
    let signed_in = call(&phone, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(
        set_cookies(signed_in.headers())
            .iter()
            .any(|c| c.starts_with("latchkey_remember=")),
        "remember-me comes with the code"
    );
    assert_eq!(
        current_username(&phone, &app.base, None).await.as_deref(),
        Some(name.as_str())
    );
    let devices = call(&phone, &app, "devices", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        devices.contains("password and authenticator code"),
        "{devices}"
    );

    // The same code again, from another browser with the password: refused.
    let laptop = password_given(&app, &name, false).await;
    let replayed = call(&laptop, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(replayed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    clock.advance(secs(30));
    let next = code(&secret, clock.now().seconds());
    assert_eq!(
        call(&laptop, &app, "verify_factor", &[("code", &next)])
            .await
            .status(),
        StatusCode::OK
    );
    let activity = call(&laptop, &app, "activity", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(activity.contains("SecondFactorTotp") && activity.contains("SecondFactorFailed"));
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_the_page_counts_what_is_left() {
    let clock = clock_at(START);
    let (app, name, _, codes) = with_authenticator(&clock).await;
    let first = password_given(&app, &name, false).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        call(&first, &app, "verify_factor", &[("code", &typed)])
            .await
            .status(),
        StatusCode::OK
    );
    let second = password_given(&app, &name, false).await;
    assert_eq!(
        call(&second, &app, "verify_factor", &[("code", &codes[3])])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "once"
    );
    assert_eq!(status(&first, &app).await["recovery_codes_left"], 9);

    // New codes void the old ones.
    let sudo = call(&app.client, &app, "renew_recovery_codes", &[]).await;
    assert_eq!(sudo.status(), StatusCode::OK);
    let renewed: Vec<String> =
        serde_json::from_value(status(&app.client, &app).await["fresh_codes"].clone()).unwrap();
    assert_eq!(
        call(&second, &app, "verify_factor", &[("code", &codes[4])])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        call(&second, &app, "verify_factor", &[("code", &renewed[0])])
            .await
            .status(),
        StatusCode::OK
    );
}

/// Guesses at the code step sent at once are counted one by one: no more
/// checks than the throttle allows, and then even the right code waits.
#[tokio::test]
async fn thirty_guesses_at_once_get_no_more_checks_than_the_throttle_allows() {
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let pending = password_given(&app, &name, false).await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..30 {
        let (client, url) = (pending.clone(), app.url("/api/verify_factor"));
        guesses.spawn(async move {
            let form = [("code", format!("{:06}", 100_000 + n))];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 30, "{statuses:?}");
    assert!(
        checked as i64 <= FREE_FAILURES + 1,
        "{checked} guesses were checked"
    );
    let right = code(&secret, clock.now().seconds());
    let locked = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_code_step_expires_five_minutes_after_the_password() {
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let pending = password_given(&app, &name, false).await;
    clock.advance(secs(5 * 60));
    let late = call(
        &pending,
        &app,
        "verify_factor",
        &[("code", &code(&secret, clock.now().seconds()))],
    )
    .await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(current_username(&pending, &app.base, None).await, None);
}

#[tokio::test]
async fn sudo_mode_takes_the_code_as_well_as_the_password_and_turning_off_needs_it() {
    let clock = clock_at(START);
    let (app, _, secret, _) = with_authenticator(&clock).await;
    let asks: serde_json::Value = call(&app.client, &app, "sudo_asks", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asks["code"], true, "the confirm page asks for the code");
    assert_eq!(
        asks["passkey"], false,
        "and offers no passkey: there is none"
    );
    clock.advance(secs(11 * 60));
    assert_eq!(
        call(&app.client, &app, "disable_totp", &[]).await.status(),
        StatusCode::FORBIDDEN,
        "sudo mode has run out"
    );
    let no_code = call(
        &app.client,
        &app,
        "confirm_password",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(no_code.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_code.text().await.unwrap().contains("authenticator"));
    let with_code = call(
        &app.client,
        &app,
        "confirm_password",
        &[
            ("password", PASSWORD),
            ("code", &code(&secret, clock.now().seconds())),
        ],
    )
    .await;
    assert_eq!(with_code.status(), StatusCode::OK);
    assert_eq!(
        call(&app.client, &app, "disable_totp", &[]).await.status(),
        StatusCode::OK
    );
    assert_eq!(status(&app.client, &app).await["totp"], "Off");
    let activity = call(&app.client, &app, "activity", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(activity.contains("TotpEnabled") && activity.contains("TotpDisabled"));
}

/// One code sent from ten browsers at once, each past the password: one
/// signs in, the rest are refused.
#[tokio::test]
async fn one_code_from_ten_browsers_at_once_signs_in_one() {
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let mut browsers = Vec::new();
    for _ in 0..10 {
        browsers.push(password_given(&app, &name, false).await);
    }
    clock.advance(secs(30));
    let right = code(&secret, clock.now().seconds());
    let mut uses = tokio::task::JoinSet::new();
    for browser in browsers {
        let (url, right) = (app.url("/api/verify_factor"), right.clone());
        uses.spawn(async move {
            let form = [("code", right)];
            browser.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = uses.join_all().await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [
        StatusCode::OK,
        StatusCode::UNPROCESSABLE_ENTITY,
        StatusCode::TOO_MANY_REQUESTS
    ]
    .contains(s)));
}
