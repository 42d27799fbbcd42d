//! "Sign in by email" end to end through a real SMTP server: a link that
//! signs in the browser that opens it, once, for 10 minutes; asking tells
//! nobody whether an address has an account.

use reqwest::{Client, StatusCode};

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, set_cookies, unique_name, TestApp, PASSWORD};
use crate::mailed_links::{ask, same_answer_for_any_address, ten_asks_at_once, ten_uses_at_once};
use crate::smtp::{confirmed_user, confirmed_user_with, mailed_token, SmtpServer};

const LINK: &str = "/login/email/confirm?token=";
const ASK: &str = "request_sign_in_link";

async fn follow(client: &Client, app: &TestApp, token: &str, remember: bool) -> reqwest::Response {
    let mut form = vec![("token", token)];
    if remember {
        form.push(("remember", "on"));
    }
    client
        .post(app.url("/api/sign_in_with_link"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn sudo(client: &Client, app: &TestApp) -> bool {
    let answer = client.post(app.url("/api/sudo")).send().await.unwrap();
    answer.json().await.unwrap()
}

#[tokio::test]
async fn the_link_signs_in_the_browser_that_opens_it_once_without_sudo_mode() {
    let smtp = SmtpServer::start();
    let (app, name, address) = confirmed_user(&smtp, None).await;
    let (status, to, _, _) = ask(&app, ASK, &address.to_uppercase()).await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::OK, Some("/login/email"))
    );
    let token = mailed_token(&smtp, 2, &address, LINK).await;
    assert_eq!(token.len(), 64, "256 random bits");

    // Opening the page changes nothing: only its button signs in.
    let phone = app.stranger_with_cookies();
    let page = phone
        .get(app.url(&format!("{LINK}{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(current_username(&phone, &app.base, None).await, None);

    let signed_in = follow(&phone, &app, &token, true).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(location(&signed_in).as_deref(), Some("/"));
    assert!(
        set_cookies(signed_in.headers())
            .iter()
            .any(|c| c.starts_with("latchkey_remember=")),
        "Remember me works with a link too"
    );
    assert_eq!(
        current_username(&phone, &app.base, None).await.as_deref(),
        Some(name.as_str())
    );
    assert!(
        !sudo(&phone, &app).await,
        "sudo mode still takes the password"
    );

    // Once: not again, not from another browser.
    let other = app.stranger_with_cookies();
    assert_eq!(
        follow(&other, &app, &token, false).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(current_username(&other, &app.base, None).await, None);
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM latchkey_activity WHERE kind = 'sign_in_email_link'")
            .fetch_all(&app.database().await)
            .await
            .unwrap();
    assert_eq!(kinds.len(), 1);
}

#[tokio::test]
async fn unknown_unconfirmed_and_known_addresses_get_the_same_answer_in_the_same_time() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    same_answer_for_any_address(&smtp, &app, ASK, &address).await;
}

/// A link works for ten minutes (ASVS 5.0 6.5.5), not a second more.
#[tokio::test]
async fn a_link_works_for_ten_minutes_and_not_a_second_more() {
    let smtp = SmtpServer::start();
    let clock = clock_at(1_800_000_000);
    let (app, _, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    ask(&app, ASK, &address).await;
    let first = mailed_token(&smtp, 2, &address, LINK).await;
    ask(&app, ASK, &address).await;
    smtp.wait_for(3).await;
    let second = smtp
        .to(&address)
        .iter()
        .filter_map(|m| crate::smtp::link_token(m, LINK))
        .find(|token| *token != first)
        .expect("a second link");
    clock.advance(secs(10 * 60 - 1));
    let early = app.stranger_with_cookies();
    assert_eq!(
        follow(&early, &app, &first, false).await.status(),
        StatusCode::OK
    );
    clock.advance(secs(1));
    let late = app.stranger_with_cookies();
    assert_eq!(
        follow(&late, &app, &second, false).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(current_username(&late, &app.base, None).await, None);
}

/// The hourly limit and the single use hold when the requests come at once.
#[tokio::test]
async fn ten_asks_at_once_mail_five_links_and_ten_uses_of_one_link_sign_in_once() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    let tokens = ten_asks_at_once(&smtp, &app, ASK, &address, LINK, 5).await;
    ten_uses_at_once(
        &app,
        "sign_in_with_link",
        vec![("token", tokens[0].clone())],
    )
    .await;
}

/// Configured to mail unconfirmed addresses too, the link that signs in
/// also confirms the address: its reader has shown it is theirs.
#[tokio::test]
async fn where_unconfirmed_addresses_may_sign_in_the_link_confirms_the_address() {
    let smtp = SmtpServer::start();
    let app = TestApp::start_with(&[
        ("LATCHKEY_SMTP_URL", &smtp.url()),
        ("LATCHKEY_VERIFIED_EMAIL_FOR", "reset"),
    ])
    .await;
    let name = unique_name("typo");
    let address = format!("{name}@example.test");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    ask(&app, ASK, &address).await;
    let token = mailed_token(&smtp, 2, &address, LINK).await;
    let browser = app.stranger_with_cookies();
    assert_eq!(
        follow(&browser, &app, &token, false).await.status(),
        StatusCode::OK
    );
    let me: serde_json::Value = browser
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], name.as_str());
    assert_eq!(me["email"], "Verified");
}

/// With the default settings an unconfirmed address gets no link, and a
/// link already mailed stops working once the account's address changes.
#[tokio::test]
async fn a_link_works_only_while_the_address_is_still_the_accounts() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user_with(&smtp, &[], None).await;
    ask(&app, ASK, &address).await;
    let token = mailed_token(&smtp, 2, &address, LINK).await;
    sqlx::query(
        "UPDATE latchkey_users SET email = 'moved@example.test', email_key = 'moved@example.test'",
    )
    .execute(&app.database().await)
    .await
    .unwrap();
    let browser = app.stranger_with_cookies();
    assert_eq!(
        follow(&browser, &app, &token, false).await.status(),
        StatusCode::NOT_FOUND
    );
}
