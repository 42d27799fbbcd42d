//! Migration 7 rebuilds SQLite's tables under the `latchkey_` prefix: what a
//! database at migration 6 held must come through it.

use std::borrow::Cow;

use sqlx::sqlite::SqlitePoolOptions;

use super::*;
use crate::domain::{DeviceId, UserId};

/// A database at `url` as sqlx's migrator left it at version 6, the last
/// release before `latchkey_migrations`.
async fn version_6(url: &str) -> sqlx::SqlitePool {
    let pool = SqlitePoolOptions::new().connect(url).await.unwrap();
    let mut migrator = sqlx::migrate!("src/store/migrations/sqlite");
    let up_to_6: Vec<_> = migrator
        .iter()
        .filter(|m| m.version <= 6)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(up_to_6);
    migrator.run(&pool).await.unwrap();
    pool
}

#[tokio::test]
async fn a_version_6_database_keeps_its_accounts_remembered_devices_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let old = version_6(&url).await;
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
    // Versions 1 to 6 were adopted from sqlx's table, which keeps none of ours.
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    let ours: Vec<i64> = sqlx::query_scalar("SELECT version FROM latchkey_migrations ORDER BY 1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ours, every_version());
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let alice = store
        .db()
        .find_current_user(UserId(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (alice.username.as_str(), alice.display_name.as_str()),
        ("Alice", "Al")
    );
    let (_, hash) = store.db().find_credentials("bob").await.unwrap().unwrap();
    assert_eq!(hash, "h3");
    let token = store
        .db()
        .find_remember_token("sel")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((token.device, token.user), (DeviceId(5), UserId(1)));
    assert_eq!(
        store.db().list_activity(UserId(1), 10).await.unwrap().len(),
        1
    );
    // The device that had only its (now dropped) session is gone; the remembered one stays.
    let devices = store.db().list_devices(UserId(1), 0).await.unwrap();
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
    assert_eq!(store.db().insert_user(new_user).await.unwrap(), UserId(4));
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
    // The host's own migrator, as it comes: it finds no versions but its own.
    let host = sqlx::migrate::Migrator::new(host_dir.path()).await.unwrap();
    host.run(&pool).await.unwrap();

    let username = crate::domain::Username::parse("alice").unwrap();
    let new_user = NewUser {
        username: &username,
        password_hash: "h",
        now: 1,
    };
    let alice = store.db().insert_user(new_user).await.unwrap();
    assert_eq!(
        store
            .db()
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

/// A host that migrated first keeps its own versions to itself; Latchkey
/// records its versions apart from them.
#[tokio::test]
async fn a_host_that_migrated_first_and_latchkey_never_see_each_others_versions() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("host.db").display());
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    let host_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        host_dir.path().join("20240101000000_posts.sql"),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .unwrap();
    let host = sqlx::migrate::Migrator::new(host_dir.path()).await.unwrap();
    host.run(&pool).await.unwrap();
    Store::from_pool(Pool::Sqlite(pool.clone())).await.unwrap();
    host.run(&pool).await.unwrap();
    Store::from_pool(Pool::Sqlite(pool.clone())).await.unwrap();
    let host_versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(host_versions, [20240101000000]);
}

/// Two servers starting at once on a new database both come up: each
/// migration runs once, under the write lock.
#[tokio::test]
async fn two_servers_migrating_at_once_both_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    let (a, b) = tokio::join!(Store::connect(&url), Store::connect(&url));
    a.unwrap();
    b.unwrap();
}

/// A migration edited after it ran would leave databases that differ by
/// when they were made: start-up refuses, naming it.
#[tokio::test]
async fn a_migration_changed_after_it_ran_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    let Pool::Sqlite(pool) = store.pool() else {
        unreachable!()
    };
    sqlx::query("UPDATE latchkey_migrations SET checksum = 'edited' WHERE version = 3")
        .execute(pool)
        .await
        .unwrap();
    let refused = Store::connect(&url).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Latchkey migration 3 was changed after it was applied"
    );
}

/// A host whose own `users` table exists before Latchkey first runs: a new
/// database gets Latchkey's schema at once, prefixed, and the host's table
/// is left as it was.
#[tokio::test]
async fn a_host_users_table_made_before_latchkey_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("host.db").display());
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
         INSERT INTO users (email) VALUES ('host@example.com');",
    )
    .execute(&pool)
    .await
    .unwrap();
    let store = Store::from_pool(Pool::Sqlite(pool.clone())).await.unwrap();
    let username = crate::domain::Username::parse("alice").unwrap();
    let new_user = NewUser {
        username: &username,
        password_hash: "h",
        now: 1,
    };
    store.db().insert_user(new_user).await.unwrap();
    let email: String = sqlx::query_scalar("SELECT email FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(email, "host@example.com");
    let recorded: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM latchkey_migrations ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(recorded, every_version());
}

/// Each table's columns, foreign keys and named indexes, as SQLite reports them.
async fn schema(pool: &sqlx::SqlitePool) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'latchkey\\_%' ESCAPE '\\'
         AND name <> 'latchkey_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut facts = Vec::new();
    for table in tables {
        let columns: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(&format!(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let keys: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let indexes: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT name, \"unique\" FROM pragma_index_list('{table}')
             WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY name"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        facts.push(format!("{table}: {columns:?} {keys:?} {indexes:?}"));
    }
    facts
}

/// The baseline a new database gets, and the migrations after it, build the
/// schema migrations 1 to 7 and the later ones build.
#[tokio::test]
async fn the_baseline_is_the_schema_the_migrations_build() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let old = version_6(&migrated).await;
    Store::connect(&migrated).await.unwrap();

    let fresh = format!("sqlite://{}", dir.path().join("new.db").display());
    Store::connect(&fresh).await.unwrap();
    let new = SqlitePoolOptions::new().connect(&fresh).await.unwrap();
    let (before, after) = (schema(&old).await, schema(&new).await);
    assert!(before.len() >= 7, "every table is compared: {before:#?}");
    assert_eq!(before, after);
}

/// 1 to the newest migration's version: one per file in `migrations/sqlite`.
fn every_version() -> Vec<i64> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations/sqlite");
    let count = std::fs::read_dir(dir).unwrap().count() as i64;
    (1..=count).collect()
}
