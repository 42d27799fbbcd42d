//! Many requests at once: one name is one account, and SQLite's single writer
//! never surfaces as "database is locked".

use reqwest::StatusCode;

use crate::harness::{unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn a_hundred_concurrent_registrations_of_one_name_create_one_account() {
    let app = TestApp::start().await;
    let name = unique_name("race");
    let attempts = (0..100).map(|_| {
        let client = app.stranger();
        let url = app.url("/api/register");
        let name = name.clone();
        tokio::spawn(async move {
            let response = client
                .post(url)
                .form(&[
                    ("username", name.as_str()),
                    ("email", "e@example.test"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .expect("request");
            let status = response.status();
            (status, response.text().await.unwrap_or_default())
        })
    });
    let mut created = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        let (status, body) = attempt.await.unwrap();
        match status {
            StatusCode::OK => created += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(body.contains("That username is taken."), "{body}")
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        1,
        "exactly one account"
    );
}

#[tokio::test]
async fn concurrent_log_ins_and_page_loads_never_see_a_locked_database() {
    let app = TestApp::start().await;
    let mut names = Vec::new();
    for _ in 0..8 {
        let name = unique_name("busy");
        app.register(&name, PASSWORD).await;
        names.push(name);
    }
    let mut tasks = Vec::new();
    for round in 0..6 {
        for name in &names {
            let (client, base, name) =
                (app.stranger_with_cookies(), app.base.clone(), name.clone());
            tasks.push(tokio::spawn(async move {
                let response = client
                    .post(format!("{base}/api/login"))
                    .form(&[("username", name.as_str()), ("password", PASSWORD)])
                    .send()
                    .await
                    .expect("request");
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                assert_eq!(status, StatusCode::OK, "round {round}: {body}");
                // Signed in: a page load and a sign-out, both writing.
                let page = client
                    .get(format!("{base}/settings/devices"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(page.status(), StatusCode::OK);
                let out = client
                    .post(format!("{base}/api/logout"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(out.status(), StatusCode::OK);
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
}
