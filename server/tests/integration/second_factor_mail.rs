//! Second factors where mail is involved: a sign-in by mailed link still
//! asks for the code, a reset link does not sign such an account in (and
//! its page says what the account still trusts), and a recovery code's use
//! is mailed with how many are left.

use latchkey::clock::Clock;
use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, PASSWORD};
use crate::second_factor::{call, code, enrol};
use crate::smtp::{body, confirmed_user, header, link_token, mailed_token, SmtpServer};

const START: i64 = 1_800_000_000;

#[tokio::test]
async fn a_mailed_link_still_asks_for_the_code_and_a_recovery_code_is_mailed_about() {
    let smtp = SmtpServer::start();
    let clock = clock_at(START);
    let (app, name, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    let (secret, codes) = enrol(&app, &clock).await;
    let before = smtp.wait_for(2).await.len(); // confirmation, "authenticator set up"

    // The link is only the first step.
    app.stranger()
        .post(app.url("/api/request_sign_in_link"))
        .form(&[("email", address.as_str())])
        .send()
        .await
        .unwrap();
    let token = mailed_token(&smtp, before + 1, &address, "/login/email/confirm?token=").await;
    let phone = app.stranger_with_cookies();
    let followed = call(&phone, &app, "sign_in_with_link", &[("token", &token)]).await;
    assert_eq!(followed.status(), StatusCode::OK);
    assert_eq!(location(&followed).as_deref(), Some("/login/factor"));
    assert_eq!(current_username(&phone, &app.base, None).await, None);
    clock.advance(secs(30));
    let signed_in = call(
        &phone,
        &app,
        "verify_factor",
        &[("code", &code(&secret, clock.now().seconds()))],
    )
    .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
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
        devices.contains("emailed link and authenticator code"),
        "{devices}"
    );

    // A recovery code is mailed about, with the count left.
    let laptop = app.stranger_with_cookies();
    call(
        &laptop,
        &app,
        "login",
        &[("username", &name), ("password", PASSWORD)],
    )
    .await;
    let used = call(&laptop, &app, "verify_factor", &[("code", &codes[0])]).await;
    assert_eq!(used.status(), StatusCode::OK);
    let mails = smtp.wait_for(before + 2).await;
    let notice = mails
        .iter()
        .find(|m| header(m, "Subject").as_deref() == Some("A recovery code was used to sign in"))
        .expect("a recovery-code notice");
    assert!(
        body(notice).contains("You have 9 recovery codes left."),
        "{notice}"
    );
}

#[tokio::test]
async fn a_reset_link_sets_the_password_but_the_code_is_still_needed() {
    let smtp = SmtpServer::start();
    let clock = clock_at(START);
    let (app, name, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    let (secret, _) = enrol(&app, &clock).await;
    let before = smtp.wait_for(2).await.len();
    app.stranger()
        .post(app.url("/api/request_password_reset"))
        .form(&[("email", address.as_str())])
        .send()
        .await
        .unwrap();
    let token = mailed_token(&smtp, before + 1, &address, "/reset/confirm?token=").await;
    let browser = app.stranger_with_cookies();
    let new = "a fresh passphrase nobody knows";
    let reset = call(
        &browser,
        &app,
        "reset_password",
        &[("token", &token), ("new_password", new)],
    )
    .await;
    assert_eq!(reset.status(), StatusCode::OK);
    // After the code, the security page, to check what the account trusts.
    assert_eq!(
        location(&reset).as_deref(),
        Some("/login?next=%2Fsettings%2Fsecurity")
    );
    assert_eq!(
        current_username(&browser, &app.base, None).await,
        None,
        "not signed in"
    );
    let login = call(
        &browser,
        &app,
        "login",
        &[("username", &name), ("password", new)],
    )
    .await;
    assert_eq!(location(&login).as_deref(), Some("/login/factor"));
    clock.advance(secs(30));
    let done = call(
        &browser,
        &app,
        "verify_factor",
        &[("code", &code(&secret, clock.now().seconds()))],
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);
}

/// The page a reset link opens lists the account's second factors, marking
/// those of the last seven days, so an owner recovering from an intruder
/// sees the intruder's; so does the security page.
#[tokio::test]
async fn the_reset_page_says_what_the_account_still_trusts_and_marks_this_weeks() {
    let smtp = SmtpServer::start();
    let clock = clock_at(START);
    let (app, _, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    enrol(&app, &clock).await;
    let security = app.client.get(app.url("/settings/security")).send().await;
    let security = security.unwrap().text().await.unwrap();
    assert!(security.contains("Turned on"), "{security}");
    assert!(security.contains("New this week"), "{security}");

    let mut sent = smtp.wait_for(2).await.len();
    let mut seen = Vec::new();
    let mut page_of_a_new_link = async |clock: &Clock| {
        app.stranger()
            .post(app.url("/api/request_password_reset"))
            .form(&[("email", address.as_str())])
            .send()
            .await
            .unwrap();
        sent += 1;
        smtp.wait_for(sent).await;
        let links = smtp.to(&address);
        let mut fresh = links
            .iter()
            .filter_map(|m| link_token(m, "/reset/confirm?token="))
            .filter(|token| !seen.contains(token));
        let token = fresh.next().expect("a new reset link");
        seen.push(token.clone());
        let trusts: serde_json::Value = call(
            &app.stranger(),
            &app,
            "reset_link_trusts",
            &[("token", &token)],
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(trusts["totp_since"], START, "{trusts}");
        assert_eq!(trusts["recovery_codes_left"], 10);
        assert_eq!(
            trusts["lately_since"],
            clock.now().seconds() - latchkey::domain::LATELY
        );
        let page = app
            .stranger()
            .get(app.url(&format!("/reset/confirm?token={token}")));
        page.send().await.unwrap().text().await.unwrap()
    };
    let page = page_of_a_new_link(&clock).await;
    assert!(page.contains("A new password does not remove what your account also trusts"));
    assert!(page.contains("An authenticator app, turned on"), "{page}");
    assert!(page.contains("10 unused recovery codes"), "{page}");
    assert!(page.contains("New this week"), "{page}");
    // A week on, the same factor is no longer new.
    clock.advance(secs(latchkey::domain::LATELY + 60));
    let page = page_of_a_new_link(&clock).await;
    assert!(page.contains("An authenticator app, turned on"), "{page}");
    assert!(!page.contains("New this week"), "{page}");

    // A link that does not work says so before a password is typed.
    let refused = call(
        &app.stranger(),
        &app,
        "reset_link_trusts",
        &[("token", "nonsense")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let page = app
        .stranger()
        .get(app.url("/reset/confirm?token=nonsense"))
        .send()
        .await;
    assert!(page
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("role=\"alert\""));
}
