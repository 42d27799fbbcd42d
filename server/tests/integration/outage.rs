//! When the database goes away or stops taking writes, answers are 503 with a
//! clear message, nothing half-done is left, and the app recovers by itself
//! when the database comes back. On SQLite another process holds the write
//! lock past the busy timeout (how a stalled or read-only disk looks to the
//! app); on PostgreSQL the server is stopped and started again.

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;

use crate::harness::{on_postgres, unique_name, TestApp, PASSWORD};

/// A visitor registers a new account.
async fn register_someone(app: &TestApp, prefix: &str) -> reqwest::Response {
    app.stranger()
        .post(app.url("/api/register"))
        .form(&[
            ("username", unique_name(prefix).as_str()),
            ("email", "e@example.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

async fn assert_unavailable(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[RETRY_AFTER], "5");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, Value::String("Unavailable".into()));
}

#[tokio::test]
async fn a_stopped_postgres_gets_503_and_the_app_recovers_when_it_is_back() {
    if !on_postgres() {
        eprintln!("PostgreSQL only: see the SQLite test beside it");
        return;
    }
    let app = TestApp::start().await;
    app.register(&unique_name("before"), PASSWORD).await;

    throwaway_postgres::stop();
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let response = register_someone(&app, "during").await;
    assert_unavailable(response).await;
    let signed_in = app.post("current_user", &[]).await;
    assert_unavailable(signed_in).await;

    throwaway_postgres::restart();
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let again = register_someone(&app, "after").await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "recovered without a restart"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        2
    );
}

#[tokio::test]
async fn a_database_that_takes_no_writes_gets_503_and_the_app_recovers_without_a_restart() {
    if on_postgres() {
        eprintln!("SQLite only: see the PostgreSQL test beside it");
        return;
    }
    let app = TestApp::start().await;
    let name = unique_name("outage");
    app.register(&name, PASSWORD).await;
    let users_before = app.count("SELECT COUNT(*) FROM latchkey_users", None).await;

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

    let response = register_someone(&app, "during").await;
    assert_unavailable(response).await;

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
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        users_before,
        "the refused registration left nothing behind"
    );
    let again = register_someone(&app, "after").await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "recovered without a restart"
    );
}
