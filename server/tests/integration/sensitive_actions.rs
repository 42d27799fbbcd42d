//! What a sensitive change takes and what it ends: a password change or an
//! account deletion takes the second factor as a sign-in does (ASVS 5.0
//! 6.3.4), and a change of factors signs every other device out (7.4.3).

use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, unique_name, TestApp, PASSWORD};
use crate::second_factor::{code, enrol, with_authenticator, START};

/// A password change and an account deletion take what a sign-in takes:
/// with an authenticator, its code as well as the password (ASVS 6.3).
#[tokio::test]
async fn changing_the_password_or_deleting_the_account_takes_the_code_too() {
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    // Out of the sudo mode that registration and set-up left.
    clock.advance(secs(11 * 60));
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
    let right = change(Some(code(&secret, clock.now().seconds()))).await;
    assert_eq!(right.status(), StatusCode::OK);

    clock.advance(secs(11 * 60));
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
        delete(Some(code(&secret, clock.now().seconds()))).await,
        StatusCode::OK
    );
    assert_eq!(app.current_username().await, None);
}

/// ASVS 7.4.3: a change of factors signs every other device out: one that
/// signed in before the authenticator existed does not keep its session.
#[tokio::test]
async fn setting_up_an_authenticator_signs_every_other_device_out() {
    let clock = clock_at(START);
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
