//! Migration 7 rebuilds SQLite's tables under the `latchkey_` prefix: what a
//! database at migration 6 held must come through it.

use std::borrow::Cow;

use sqlx::sqlite::SqlitePoolOptions;

use super::*;
use crate::domain::{DeviceId, UserId};

#[tokio::test]
async fn a_version_6_database_keeps_its_accounts_remembered_devices_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let old = SqlitePoolOptions::new().connect(&url).await.unwrap();
    let mut migrator = sqlx::migrate!("src/store/migrations/sqlite");
    let up_to_6: Vec<_> = migrator
        .iter()
        .filter(|m| m.version <= 6)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(up_to_6);
    migrator.run(&old).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO users (id, username, username_key, password_hash, display_name, created_at, updated_at)
             VALUES (1, 'Alice', 'alice', 'h1', 'Al', 10, 11), (3, 'bob', 'bob', 'h3', '', 12, 12);
         INSERT INTO devices (id, user_id, user_agent, ip, remembered, signed_in_at, last_active_at, session_id)
             VALUES (5, 1, 'ua', '::1', 1, 20, 21, 'gone'), (6, 1, 'ua', '::1', 0, 22, 23, 'gone');
         INSERT INTO remember_tokens (selector, device_id, validator_hash, expires_at)
             VALUES ('sel', 5, x'01', 99);
         INSERT INTO activity (user_id, kind, ip, user_agent, at) VALUES (1, 'SignedOut', '::1', 'ua', 30);
         INSERT INTO login_throttle VALUES ('login:bob', 2, 40, 0);",
    )
    .execute(&old)
    .await
    .unwrap();
    old.close().await;

    let store = Store::connect(&url).await.unwrap();
    let alice = store.find_current_user(UserId(1)).await.unwrap().unwrap();
    assert_eq!(
        (alice.username.as_str(), alice.display_name.as_str()),
        ("Alice", "Al")
    );
    let (_, hash) = store.find_credentials("bob").await.unwrap().unwrap();
    assert_eq!(hash, "h3");
    let token = store.find_remember_token("sel").await.unwrap().unwrap();
    assert_eq!((token.device, token.user), (DeviceId(5), UserId(1)));
    assert_eq!(store.list_activity(UserId(1), 10).await.unwrap().len(), 1);
    // The device that had only its (now dropped) session is gone; the remembered one stays.
    let devices = store.list_devices(UserId(1), 0).await.unwrap();
    assert_eq!(
        devices.iter().map(|d| d.id).collect::<Vec<_>>(),
        [DeviceId(5)]
    );
    // New ids follow the highest one copied, and AUTOINCREMENT keeps them rising.
    let username = crate::domain::Username::parse("carol").unwrap();
    let new_user = NewUser {
        username: &username,
        password_hash: "h",
        now: 50,
    };
    assert_eq!(store.insert_user(new_user).await.unwrap(), UserId(4));
}

/// A host app hands Latchkey its own pool, and keeps its own tables (even a
/// `users` of its own) and sqlx migrations beside Latchkey's in one database.
#[tokio::test]
async fn a_host_apps_pool_tables_and_migrations_sit_beside_latchkeys() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("host.db").display());
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    let store = Store::from_pool(Pool::Sqlite(pool.clone())).await.unwrap();
    assert!(
        store.readers.is_some(),
        "the host's file is read in place too"
    );

    let host_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        host_dir.path().join("20240101000000_host.sql"),
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
         INSERT INTO users (email) VALUES ('host@example.com');",
    )
    .unwrap();
    let mut host = sqlx::migrate::Migrator::new(host_dir.path()).await.unwrap();
    // sqlx keeps one list of applied versions per database; the host's
    // migrator must not take Latchkey's versions for missing ones of its own.
    host.set_ignore_missing(true);
    host.run(&pool).await.unwrap();

    let username = crate::domain::Username::parse("alice").unwrap();
    let new_user = NewUser {
        username: &username,
        password_hash: "h",
        now: 1,
    };
    let alice = store.insert_user(new_user).await.unwrap();
    assert_eq!(
        store
            .find_current_user(alice)
            .await
            .unwrap()
            .unwrap()
            .username,
        "alice"
    );
    let email: String = sqlx::query_scalar("SELECT email FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(email, "host@example.com");
    // Both run again at the next start, each finding nothing to do.
    Store::from_pool(Pool::Sqlite(pool.clone())).await.unwrap();
    host.run(&pool).await.unwrap();
}
