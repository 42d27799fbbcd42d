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

/// Registers `name` with `email` from a fresh browser: time, status, where
/// it goes, and the body.
async fn timed_register(
    app: &TestApp,
    name: &str,
    email: &str,
    password: &str,
) -> (Duration, StatusCode, Option<String>, String) {
    let started = Instant::now();
    let response = app
        .stranger()
        .post(app.url("/api/register"))
        .form(&[("username", name), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    let (status, to) = (response.status(), crate::harness::location(&response));
    let body = response.text().await.unwrap();
    (started.elapsed(), status, to, body)
}

/// Registering with an address another account has confirmed does the same
/// work as with a free one (a token stored, one mail queued): the same
/// answer, in the same time to within the noise of the password hash.
#[tokio::test]
async fn registering_with_a_taken_address_looks_and_takes_the_same_as_a_free_one() {
    let app = TestApp::start_with(&[("LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR", "1000")]).await;
    let owner = unique_name("owner");
    let taken = format!("{owner}@example.test");
    app.register(&owner, PASSWORD).await;
    sqlx::query("UPDATE latchkey_users SET email_verified_at = 1 WHERE email_key = $1")
        .bind(&taken)
        .execute(&app.database().await)
        .await
        .unwrap();

    let (mut free, mut stolen, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..12 {
        // Interleaved, so drift in machine load hits all three alike.
        let name = unique_name("free");
        let (took, status, to, body) =
            timed_register(&app, &name, &format!("{name}@example.test"), PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(to, Some(format!("/users/{name}")));
        free.push((took, body));

        let name = unique_name("taker");
        let (took, status, to, body) =
            timed_register(&app, &name, &taken.to_uppercase(), PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "same status");
        assert_eq!(to, Some(format!("/users/{name}")), "same place");
        stolen.push((took, body));

        // The control: a password the policy refuses is answered before
        // any hashing.
        let name = unique_name("weak");
        let (took, status, _, _) =
            timed_register(&app, &name, &format!("{name}@example.test"), "password1234").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        refused.push(took);
    }
    assert!(
        free.iter()
            .chain(&stolen)
            .all(|(_, body)| *body == free[0].1),
        "same body"
    );
    let free = median(free.into_iter().map(|(t, _)| t).collect());
    let stolen = median(stolen.into_iter().map(|(t, _)| t).collect());
    let control = median(refused);
    eprintln!("median registration: free {free:?}, taken {stolen:?}, refused {control:?}");
    assert!(
        control.as_secs_f64() < 0.5 * free.as_secs_f64(),
        "the control must show that the hash is visible in the timing \
         ({control:?} vs {free:?}), or this test could not fail"
    );
    let ratio = stolen.as_secs_f64() / free.as_secs_f64();
    assert!(
        (0.75..1.33).contains(&ratio),
        "a taken address takes {ratio:.2}× as long as a free one ({stolen:?} vs {free:?})"
    );
}
