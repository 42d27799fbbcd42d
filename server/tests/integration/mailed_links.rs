//! What "forgot password" and "sign in by email" share: asking for a link
//! answers the same, in the same time, whatever the address, and the hourly
//! limit and single use hold for requests sent at once.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::harness::{location, unique_name, TestApp, PASSWORD};
use crate::smtp::{link_token, SmtpServer};

/// Asks `function` for a link to `email` from a fresh browser: status,
/// `Location`, body, time.
pub async fn ask(
    app: &TestApp,
    function: &str,
    email: &str,
) -> (StatusCode, Option<String>, String, Duration) {
    let started = Instant::now();
    let response = app
        .stranger()
        .post(app.url(&format!("/api/{function}")))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    let (status, location) = (response.status(), location(&response));
    (status, location, response.text().await.unwrap(), took)
}

/// `address` is confirmed (its confirmation is the one mail so far). An
/// unknown address, an unconfirmed one and `address` get the same answer,
/// none sooner than the floor, and only `address` gets mail.
pub async fn same_answer_for_any_address(
    smtp: &SmtpServer,
    app: &TestApp,
    function: &str,
    address: &str,
) {
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

    let known = ask(app, function, address).await;
    let unknown = ask(app, function, "nobody-at-all@example.test").await;
    let not_confirmed = ask(app, function, &format!("{unconfirmed}@example.test")).await;
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

/// Ten requests for a `path` link to `address` at once: `limit` links go
/// out, however they come. Answers the links' tokens.
pub async fn ten_asks_at_once(
    smtp: &SmtpServer,
    app: &TestApp,
    function: &str,
    address: &str,
    path: &str,
    limit: usize,
) -> Vec<String> {
    let mut asks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (client, url, address) = (
            app.stranger(),
            app.url(&format!("/api/{function}")),
            address.to_string(),
        );
        asks.spawn(async move {
            let form = [("email", address)];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    assert!(asks.join_all().await.iter().all(|s| *s == StatusCode::OK));
    smtp.wait_for(1 + limit).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tokens: Vec<String> = smtp
        .to(address)
        .iter()
        .filter_map(|m| link_token(m, path))
        .collect();
    assert_eq!(tokens.len(), limit, "{limit} an hour, however they come");
    tokens
}

/// Ten uses of one link at once: one succeeds, the rest are 404.
pub async fn ten_uses_at_once(app: &TestApp, function: &str, form: Vec<(&'static str, String)>) {
    let mut uses = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (client, url, form) = (
            app.stranger_with_cookies(),
            app.url(&format!("/api/{function}")),
            form.clone(),
        );
        uses.spawn(async move { client.post(url).form(&form).send().await.unwrap().status() });
    }
    let statuses = uses.join_all().await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::NOT_FOUND));
}
