//! New passwords must be hard to guess: common, leaked-style and
//! name-based ones are refused with advice, on every form that sets one.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn registration_refuses_guessable_passwords_and_creates_nothing() {
    let app = TestApp::start().await;
    for (username, password) in [
        (unique_name("weak"), "password1234"),
        (unique_name("weak"), "qwertyuiopasdf"),
        ("margaretsmith".to_string(), "margaretsmith2024"),
    ] {
        let response = app.register(&username, password).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password}"
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains("This password is too easy to guess."),
            "{body}"
        );
        assert!(body.contains("\"field\":\"Password\""), "{body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        0
    );
}

#[tokio::test]
async fn a_password_change_refuses_a_guessable_new_password() {
    let app = TestApp::start().await;
    let name = unique_name("keeps");
    app.register(&name, PASSWORD).await;
    let response = app
        .post(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "iloveyou1234"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"field\":\"NewPassword\""), "{body}");
    app.log_out().await;
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_meter_scores_as_the_forms_judge() {
    let app = TestApp::start().await;
    let strength = |password: &'static str, username: &'static str| {
        let app = &app;
        async move {
            let response = app
                .post(
                    "password_strength",
                    &[("password", password), ("username", username)],
                )
                .await;
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, weak) = strength("password1234", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(weak["acceptable"], false);
    assert!(weak["score"].as_u64().unwrap() < 3);
    assert!(!weak["advice"].as_str().unwrap().is_empty());

    let (_, strong) = strength(PASSWORD, "").await;
    assert_eq!(strong["acceptable"], true);

    let (_, named) = strength("margaretsmith2024", "margaretsmith").await;
    assert_eq!(named["acceptable"], false, "the username counts as known");

    let long = "x".repeat(129);
    let response = app
        .post("password_strength", &[("password", long.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// `n` strength checks of the worst case, sent at once from new clients;
/// each answers its status and whether it said when to retry.
fn worst_case_checks_at_once(
    app: &TestApp,
    n: usize,
) -> Vec<tokio::task::JoinHandle<(StatusCode, bool)>> {
    (0..n)
        .map(|_| {
            let (client, url) = (app.stranger(), app.url("/api/password_strength"));
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .form(&[("password", worst_case_password().as_str())])
                    .send()
                    .await
                    .expect("request");
                let retry = response.headers().contains_key("retry-after");
                (response.status(), retry)
            })
        })
        .collect()
}

/// zxcvbn's slowest kind of input: l33t symbols, each of which it tries as
/// several letters.
fn worst_case_password() -> String {
    "4@8({[</3!|1|0$5+7%2".repeat(6)
}

// Two workers, as on a two-core server: were scoring done on them, 32 of
// these at once would hold both for seconds, and `/healthz` with them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worst_case_password_sent_in_parallel_leaves_the_server_answering() {
    let app = TestApp::start().await;
    let flood = worst_case_checks_at_once(&app, 32);
    // Probe while the flood is being scored (one scoring takes about a
    // quarter of a second here, one at a time on a two-core machine).
    let mut slowest = std::time::Duration::ZERO;
    let mut probes = 0;
    while !flood.iter().all(|task| task.is_finished()) {
        let started = std::time::Instant::now();
        let health = app
            .stranger()
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(health.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        probes += 1;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for task in flood {
        assert_eq!(
            task.await.unwrap().0,
            StatusCode::OK,
            "every check is answered"
        );
    }
    assert!(
        probes >= 5,
        "the flood lasted long enough to probe: {probes}"
    );
    // A generous bound: the answer takes milliseconds (bench/README.md has
    // the measured latency); scoring on the workers held it for seconds.
    assert!(
        slowest < std::time::Duration::from_secs(1),
        "/healthz took {slowest:?} during the flood"
    );
}

#[tokio::test]
async fn strength_checks_are_limited_per_address() {
    let app = TestApp::start_with(&[("LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE", "3")]).await;
    let requests = worst_case_checks_at_once(&app, 8);
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }
    answers.sort();
    let ok = (StatusCode::OK, false);
    let refused = (StatusCode::TOO_MANY_REQUESTS, true);
    assert_eq!(answers, [[ok; 3].as_slice(), &[refused; 5]].concat());
}
