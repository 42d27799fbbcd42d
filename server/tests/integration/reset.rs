//! "Forgot password" end to end through a real SMTP server: the link sets a
//! new password once and signs every device out; asking tells nobody
//! whether an address has an account, in words or in time.

use std::time::{Duration, Instant};

use latchkey::clock::Clock;
use reqwest::StatusCode;

use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};
use crate::smtp::{confirmed_user, link_token, SmtpServer};

const NEW: &str = "a fresh passphrase nobody knows";
const RESET_LINK: &str = "/reset/confirm?token=";

/// Asks for a reset link from a fresh browser: status, `Location`, body, time.
async fn ask(app: &TestApp, email: &str) -> (StatusCode, Option<String>, String, Duration) {
    let started = Instant::now();
    let response = app
        .stranger()
        .post(app.url("/api/request_password_reset"))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    let (status, location) = (response.status(), location(&response));
    (status, location, response.text().await.unwrap(), took)
}

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

    let (status, to, _, _) = ask(&app, &address.to_uppercase()).await;
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
    let unconfirmed = unique_name("unconfirmed");
    app.stranger()
        .post(app.url("/api/register"))
        .form(&[
            ("username", unconfirmed.as_str()),
            ("email", &format!("{unconfirmed}@example.test")),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let before = smtp.wait_for(2).await.len();

    let known = ask(&app, &address).await;
    let unknown = ask(&app, "nobody-at-all@example.test").await;
    let not_confirmed = ask(&app, &format!("{unconfirmed}@example.test")).await;
    for other in [&unknown, &not_confirmed] {
        assert_eq!(
            (&other.0, &other.1, &other.2),
            (&known.0, &known.1, &known.2)
        );
    }
    // Each answer waits for the same floor, which is longer than the work.
    for (_, _, _, took) in [&known, &unknown, &not_confirmed] {
        assert!(*took >= latchkey::auth::LINK_ANSWER_TIME, "{took:?}");
    }
    smtp.wait_for(before + 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        smtp.received().len(),
        before + 1,
        "only the confirmed address gets mail"
    );
}

#[tokio::test]
async fn at_most_three_reset_mails_an_hour_reach_an_address_and_the_answer_never_changes() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    let mut answers = Vec::new();
    for _ in 0..5 {
        let (status, to, body, _) = ask(&app, &address).await;
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
    let clock = Clock::manual(1_800_000_000);
    let (app, name, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    ask(&app, &address).await;
    let mail = smtp
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| link_token(m, RESET_LINK).is_some());
    let token = link_token(&mail.unwrap(), RESET_LINK).unwrap();
    clock.advance(60 * 60);
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
    let mut asks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (client, url, address) = (
            app.stranger(),
            app.url("/api/request_password_reset"),
            address.clone(),
        );
        asks.spawn(async move {
            let form = [("email", address)];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    assert!(asks.join_all().await.iter().all(|s| *s == StatusCode::OK));
    let mails = smtp.wait_for(1 + 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1 + 3, "three links an hour");

    let token = mails
        .iter()
        .find_map(|m| link_token(m, RESET_LINK))
        .unwrap();
    let mut uses = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (client, url, token) = (
            app.stranger_with_cookies(),
            app.url("/api/reset_password"),
            token.clone(),
        );
        uses.spawn(async move {
            let password = format!("{NEW} number {n}");
            let form = [
                ("token", token.as_str()),
                ("new_password", password.as_str()),
            ];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = uses.join_all().await;
    let set = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(set, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::NOT_FOUND));
    assert_eq!(
        app.log_in(&name, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
