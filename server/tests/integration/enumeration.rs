//! Log-in answers do not tell whether an account exists: the same words, the
//! same status, and the same hash work (timed, with a control that proves the
//! timing can see a missing hash).

use std::time::{Duration, Instant};

use latchkey::throttle::FREE_FAILURES;
use reqwest::StatusCode;

use crate::harness::{unique_name, TestApp, PASSWORD};

async fn timed_log_in(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (Duration, StatusCode, String) {
    let started = Instant::now();
    let response = app.log_in(username, password).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    (started.elapsed(), status, body)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_look_and_take_the_same() {
    let app = TestApp::start().await;
    // Real accounts, each guessed at fewer times than the throttle allows.
    let mut known = Vec::new();
    for _ in 0..6 {
        let name = unique_name("real");
        app.register(&name, PASSWORD).await;
        known.push(name);
    }
    app.log_out().await;

    let rounds = FREE_FAILURES as usize - 1;
    let (mut wrong_password, mut unknown_user, mut no_hash) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        for name in &known {
            // Interleaved, so drift in machine load hits all three alike.
            let (took, status, body) = timed_log_in(&app, name, "a wrong password!").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body, "\"InvalidCredentials\"");
            wrong_password.push(took);

            let stranger = format!("{}-{round}", unique_name("ghost"));
            let (took, status, body) = timed_log_in(&app, &stranger, "a wrong password!").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "same status");
            assert_eq!(body, "\"InvalidCredentials\"", "same words");
            unknown_user.push(took);

            // The control: a blank username is refused before any hashing.
            let (took, status, _) = timed_log_in(&app, "", "a wrong password!").await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            no_hash.push(took);
        }
    }
    let (wrong, unknown, control) = (
        median(wrong_password),
        median(unknown_user),
        median(no_hash),
    );
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    eprintln!(
        "median log-in: wrong password {wrong:?}, unknown user {unknown:?}, no hash {control:?}"
    );
    assert!(
        control.as_secs_f64() < 0.5 * wrong.as_secs_f64(),
        "the control must show that the hash is visible in the timing \
         ({control:?} vs {wrong:?}), or this test could not fail"
    );
    assert!(
        (0.75..1.33).contains(&ratio),
        "unknown users take {ratio:.2}× as long as wrong passwords ({unknown:?} vs {wrong:?})"
    );
}
