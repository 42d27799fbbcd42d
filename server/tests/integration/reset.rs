//! "Forgot password" end to end through a real SMTP server: the link sets a
//! new password once and signs every device out; asking tells nobody
//! whether an address has an account, in words or in time.

use std::time::Duration;

use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, TestApp, PASSWORD};
use crate::mailed_links::{ask, same_answer_for_any_address, ten_asks_at_once, ten_uses_at_once};
use crate::smtp::{confirmed_user, link_token, SmtpServer};

const NEW: &str = "a fresh passphrase nobody knows";
const RESET_LINK: &str = "/reset/confirm?token=";

async fn reset(client: &reqwest::Client, app: &TestApp, token: &str, password: &str) -> StatusCode {
    client
        .post(app.url("/api/reset_password"))
        .form(&[("token", token), ("new_password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_mailed_link_sets_a_new_password_once_and_signs_every_device_out() {
    let smtp = SmtpServer::start();
    let (app, name, address) = confirmed_user(&smtp, None).await;
    let laptop = app.second_browser(&name, "Laptop").await;
    assert_eq!(app.log_in_remembered(&name).await.status(), StatusCode::OK);

    let (status, to, _, _) = ask(&app, "request_password_reset", &address.to_uppercase()).await;
    assert_eq!((status, to.as_deref()), (StatusCode::OK, Some("/login")));
    let mail = smtp
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| link_token(m, RESET_LINK).is_some());
    let token = link_token(&mail.expect("a reset mail"), RESET_LINK).unwrap();

    // A guessable password is refused and the link still works.
    let phone = app.stranger_with_cookies();
    assert_eq!(
        reset(&phone, &app, &token, "password1234").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(reset(&phone, &app, &token, NEW).await, StatusCode::OK);
    assert_eq!(
        current_username(&phone, &app.base, None).await.as_deref(),
        Some(name.as_str()),
        "the browser that reset is signed in"
    );
    assert_eq!(
        reset(&phone, &app, &token, NEW).await,
        StatusCode::NOT_FOUND,
        "once"
    );

    // Every other device is out, the remembered one included.
    assert_eq!(current_username(&laptop, &app.base, None).await, None);
    assert_eq!(app.current_username().await, None);
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post("login", &[("username", &name), ("password", NEW)])
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unknown_or_unconfirmed_address_gets_the_same_answer_in_the_same_time_and_no_mail() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    same_answer_for_any_address(&smtp, &app, "request_password_reset", &address).await;
}

#[tokio::test]
async fn at_most_three_reset_mails_an_hour_reach_an_address_and_the_answer_never_changes() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    let mut answers = Vec::new();
    for _ in 0..5 {
        let (status, to, body, _) = ask(&app, "request_password_reset", &address).await;
        answers.push((status, to, body));
    }
    assert!(answers.windows(2).all(|pair| pair[0] == pair[1]));
    smtp.wait_for(1 + 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1 + 3);
}

#[tokio::test]
async fn a_reset_link_older_than_an_hour_is_refused() {
    let smtp = SmtpServer::start();
    let clock = clock_at(1_800_000_000);
    let (app, name, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    ask(&app, "request_password_reset", &address).await;
    let mail = smtp
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| link_token(m, RESET_LINK).is_some());
    let token = link_token(&mail.unwrap(), RESET_LINK).unwrap();
    clock.advance(secs(60 * 60));
    let browser = app.stranger_with_cookies();
    assert_eq!(
        reset(&browser, &app, &token, NEW).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
}

/// The hourly limit and the single use hold when the requests come at once.
#[tokio::test]
async fn ten_asks_at_once_mail_three_links_and_ten_uses_of_one_link_set_one_password() {
    let smtp = SmtpServer::start();
    let (app, name, address) = confirmed_user(&smtp, None).await;
    let function = "request_password_reset";
    let tokens = ten_asks_at_once(&smtp, &app, function, &address, RESET_LINK, 3).await;
    let form = vec![
        ("token", tokens[0].clone()),
        ("new_password", NEW.to_string()),
    ];
    ten_uses_at_once(&app, "reset_password", form).await;
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
