//! When the database stops taking writes (here: another process holds its
//! write lock past the busy timeout, which is how a stalled or read-only disk
//! looks to the app), answers are 503 with a clear message, reads keep
//! working, nothing half-done is left, and the app recovers by itself.

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;

use crate::harness::{unique_name, TestApp, PASSWORD};

#[tokio::test]
async fn a_database_that_takes_no_writes_gets_503_and_the_app_recovers_without_a_restart() {
    let app = TestApp::start().await;
    let name = unique_name("outage");
    app.register(&name, PASSWORD).await;
    let users_before = app.count("SELECT COUNT(*) FROM users", None).await;

    let mut blocker = sqlx::SqliteConnection::connect(&app.config.database_url)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.text().await.unwrap(), "database unavailable");

    let response = app
        .stranger()
        .post(app.url("/api/register"))
        .form(&[
            ("username", unique_name("during").as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[RETRY_AFTER], "5");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, Value::String("Unavailable".into()));

    // Reading still works: a public page renders for a visitor.
    let page = app
        .stranger()
        .get(app.url(&format!("/users/{name}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);

    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    blocker.close().await.unwrap();

    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users", None).await,
        users_before,
        "the refused registration left nothing behind"
    );
    let again = app
        .stranger()
        .post(app.url("/api/register"))
        .form(&[
            ("username", unique_name("after").as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "recovered without a restart"
    );
}
