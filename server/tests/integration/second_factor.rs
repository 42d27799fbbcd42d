//! An authenticator app (TOTP) and recovery codes end to end: set up with a
//! first code, then every sign-in is "password given, code pending" until a
//! code comes; codes work once; the step is throttled per account under
//! parallel guesses; sudo mode takes a code too.

use latchkey::clock::Clock;
use latchkey::factors::TotpSecret;
use latchkey::throttle::FREE_FAILURES;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::{current_username, location, set_cookies, unique_name, TestApp, PASSWORD};

const START: i64 = 1_800_000_000;

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
async fn with_authenticator(clock: &Clock) -> (TestApp, String, TotpSecret, Vec<String>) {
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let name = unique_name("totp");
    app.register(&name, PASSWORD).await;
    let (secret, codes) = enrol(&app, clock).await;
    (app, name, secret, codes)
}

/// Sets up the authenticator of the app's signed-in user (in sudo mode):
/// its secret and recovery codes.
pub(crate) async fn enrol(app: &TestApp, clock: &Clock) -> (TotpSecret, Vec<String>) {
    assert_eq!(
        call(&app.client, app, "begin_totp", &[]).await.status(),
        StatusCode::OK
    );
    let enrolling = status(&app.client, app).await;
    let shown = enrolling["totp"]["Enrolling"]["secret"]
        .as_str()
        .expect("a secret to type");
    assert!(enrolling["totp"]["Enrolling"]["qr_svg"]
        .as_str()
        .unwrap()
        .contains("<svg"));
    let secret = TotpSecret::from_display(shown).unwrap();

    let wrong = call(&app.client, app, "confirm_totp", &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        status(&app.client, app).await["totp"]["Enrolling"].is_object(),
        "still off"
    );
    let right = code(&secret, clock.now());
    assert_eq!(
        call(&app.client, app, "confirm_totp", &[("code", &right)])
            .await
            .status(),
        StatusCode::OK
    );
    let on = status(&app.client, app).await;
    assert_eq!(on["totp"], "On");
    let codes: Vec<String> = serde_json::from_value(on["fresh_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        status(&app.client, app).await["fresh_codes"],
        Value::Null,
        "shown once"
    );
    (secret, codes)
}

pub(crate) fn code(secret: &TotpSecret, now: i64) -> String {
    format!("{:06}", secret.code_at_step(now / 30))
}

/// A fresh browser that gave the right password: its code is pending.
async fn password_given(app: &TestApp, name: &str, remember: bool) -> Client {
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
    let clock = Clock::manual(START);
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
    clock.advance(30);
    let right = code(&secret, clock.now());
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
    clock.advance(30);
    let next = code(&secret, clock.now());
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
    let clock = Clock::manual(START);
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
    let clock = Clock::manual(START);
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
    let right = code(&secret, clock.now());
    let locked = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_code_step_expires_five_minutes_after_the_password() {
    let clock = Clock::manual(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let pending = password_given(&app, &name, false).await;
    clock.advance(5 * 60);
    let late = call(
        &pending,
        &app,
        "verify_factor",
        &[("code", &code(&secret, clock.now()))],
    )
    .await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(current_username(&pending, &app.base, None).await, None);
}

#[tokio::test]
async fn sudo_mode_takes_the_code_as_well_as_the_password_and_turning_off_needs_it() {
    let clock = Clock::manual(START);
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
    clock.advance(11 * 60);
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
            ("code", &code(&secret, clock.now())),
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
    let clock = Clock::manual(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let mut browsers = Vec::new();
    for _ in 0..10 {
        browsers.push(password_given(&app, &name, false).await);
    }
    clock.advance(30);
    let right = code(&secret, clock.now());
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

/// A password change and an account deletion take what a sign-in takes:
/// with an authenticator, its code as well as the password (ASVS 6.3).
#[tokio::test]
async fn changing_the_password_or_deleting_the_account_takes_the_code_too() {
    let clock = Clock::manual(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    // Out of the sudo mode that registration and set-up left.
    clock.advance(11 * 60);
    let change = |code: Option<String>| {
        let mut form = vec![
            ("current_password", PASSWORD.to_string()),
            ("new_password", "a second secret passphrase".to_string()),
        ];
        form.extend(code.map(|c| ("code", c)));
        let (client, url) = (app.client.clone(), app.url("/api/change_password"));
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    let alone = change(None).await;
    assert_eq!(alone.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(alone.text().await.unwrap().contains("authenticator"));
    let wrong = change(Some("000000".into())).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.log_in(&name, "a second secret passphrase")
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the password is unchanged"
    );
    let right = change(Some(code(&secret, clock.now()))).await;
    assert_eq!(right.status(), StatusCode::OK);

    clock.advance(11 * 60);
    let delete = |code: Option<String>| {
        let mut form = vec![
            ("username", name.clone()),
            ("password", "a second secret passphrase".to_string()),
        ];
        form.extend(code.map(|c| ("code", c)));
        let (client, url) = (app.client.clone(), app.url("/api/delete_account"));
        async move { client.post(url).form(&form).send().await.unwrap().status() }
    };
    assert_eq!(delete(None).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.current_username().await.as_deref(), Some(name.as_str()));
    assert_eq!(
        delete(Some(code(&secret, clock.now()))).await,
        StatusCode::OK
    );
    assert_eq!(app.current_username().await, None);
}

/// ASVS 7.4.3: a change of factors signs every other device out: one that
/// signed in before the authenticator existed does not keep its session.
#[tokio::test]
async fn setting_up_an_authenticator_signs_every_other_device_out() {
    let clock = Clock::manual(START);
    let app = TestApp::start_with_clock(&[], clock.clone()).await;
    let name = unique_name("totp");
    app.register(&name, PASSWORD).await;
    let phone = app.second_browser(&name, "Phone").await;
    assert_eq!(
        current_username(&phone, &app.base, None).await.as_deref(),
        Some(name.as_str())
    );
    enrol(&app, &clock).await;
    assert_eq!(current_username(&phone, &app.base, None).await, None);
    assert_eq!(app.current_username().await.as_deref(), Some(name.as_str()));
}

/// The hard cap: however an attacker who has the password paces their
/// guesses (ten at once, each round after the longest lock has run out),
/// a day gives them 30 code checks, no more; then even the right code waits
/// until the day's window is over.
#[tokio::test]
async fn a_day_of_paced_guessing_gets_thirty_code_checks() {
    use latchkey::throttle::{MAX_CODE_FAILURES_PER_DAY, MAX_LOCK_SECONDS};
    let clock = Clock::manual(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let mut checked = 0;
    let mut last = Vec::new();
    for round in 0..100 {
        let pending = password_given(&app, &name, false).await;
        let mut guesses = tokio::task::JoinSet::new();
        for n in 0..10 {
            let (client, url) = (pending.clone(), app.url("/api/verify_factor"));
            guesses.spawn(async move {
                let form = [("code", format!("{:06}", 100_000 + round * 10 + n))];
                client.post(url).form(&form).send().await.unwrap().status()
            });
        }
        last = guesses.join_all().await;
        checked += last
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count() as i64;
        clock.advance(MAX_LOCK_SECONDS + 60);
        if clock.now() - START > 20 * 60 * 60 {
            break;
        }
    }
    assert_eq!(checked, MAX_CODE_FAILURES_PER_DAY, "checks in the day");
    assert!(
        last.iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{last:?}"
    );
    let pending = password_given(&app, &name, false).await;
    let right = code(&secret, clock.now());
    let refused = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // A day after the first failure, the right code works again.
    clock.advance(START + latchkey::throttle::DAY_SECONDS + 60 - clock.now());
    let pending = password_given(&app, &name, false).await;
    let right = code(&secret, clock.now());
    let passed = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(passed.status(), StatusCode::OK);
}

/// Recovery codes are stored as argon2id under a salt of their set (ASVS
/// 5.0 6.5.2: 50 bits is too few for a fast hash): a stolen database does
/// not give them up to a GPU in a day. A code stored by the old scheme
/// (SHA-256 under a 4-byte salt of its own) still signs in, once.
#[tokio::test]
async fn recovery_codes_are_stored_as_argon2id_and_old_ones_still_work() {
    use argon2::{Algorithm, Argon2, Params, Version};
    use sha2::{Digest, Sha256};
    let clock = Clock::manual(START);
    let (app, name, _, codes) = with_authenticator(&clock).await;
    let id = app.user_id(&name).await;
    let pool = app.database().await;
    let rows: Vec<(Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT salt, code_hash FROM latchkey_recovery_codes WHERE user_id = $1")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 10);
    let salt = rows[0].0.clone();
    assert_eq!(salt.len(), 16);
    assert!(rows.iter().all(|(s, _)| *s == salt), "one salt per set");
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, Some(32)).unwrap(),
    );
    let first = codes[0].replace('-', "");
    let mut expected = vec![0u8; 32];
    argon
        .hash_password_into(first.as_bytes(), &salt, &mut expected)
        .unwrap();
    assert!(rows.iter().any(|(_, hash)| *hash == expected), "argon2id");
    let fast = Sha256::digest([salt.as_slice(), first.as_bytes()].concat()).to_vec();
    assert!(rows.iter().all(|(_, hash)| *hash != fast), "not SHA-256");

    // A code of the old scheme.
    let old_salt = vec![9u8, 8, 7, 6];
    let old = Sha256::digest([old_salt.as_slice(), b"abcdefghij"].concat()).to_vec();
    sqlx::query(
        "INSERT INTO latchkey_recovery_codes (user_id, salt, code_hash, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(old_salt)
    .bind(old)
    .bind(START)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    for (code, status) in [
        ("ABCDE-FGHIJ", StatusCode::OK),
        ("abcde-fghij", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let pending = password_given(&app, &name, false).await;
        let answer = call(&pending, &app, "verify_factor", &[("code", code)]).await;
        assert_eq!(answer.status(), status, "{code}");
    }
}
