//! Stored hashes follow the configuration: raise the argon2 cost or add a
//! pepper, restart, and each user's hash is redone at their next log-in.

use reqwest::StatusCode;

use crate::harness::{fresh_database, unique_name, TestApp, PASSWORD};

const PEPPER: &str = "an operator's secret of at least thirty-two bytes";

async fn stored_hash(app: &TestApp, name: &str) -> String {
    let pool = app.database().await;
    let hash = sqlx::query_scalar("SELECT password_hash FROM latchkey_users WHERE username = $1")
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    hash
}

#[tokio::test]
async fn raising_the_cost_and_adding_a_pepper_upgrade_hashes_at_the_next_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;
    let name = unique_name("upgrade");
    let before = {
        let app = TestApp::start_with(&[("DATABASE_URL", &db)]).await;
        app.register(&name, PASSWORD).await;
        stored_hash(&app, &name).await
    };
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{before}"
    );

    let stronger = [
        ("DATABASE_URL", db.as_str()),
        ("LATCHKEY_HASH_MEMORY_KIB", "24576"),
        ("LATCHKEY_HASH_ITERATIONS", "3"),
        ("LATCHKEY_PASSWORD_PEPPER", PEPPER),
    ];
    {
        let app = TestApp::start_with(&stronger).await;
        assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
        let after = stored_hash(&app, &name).await;
        assert!(
            after.starts_with("$argon2id$v=19$m=24576,t=3,p=1,keyid="),
            "upgraded and peppered: {after}"
        );
        assert!(!after.contains(PEPPER));
    }
    // The upgraded hash keeps working, and a wrong password still fails.
    let app = TestApp::start_with(&stronger).await;
    assert_eq!(
        app.log_in(&name, "not the password at all").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
}
