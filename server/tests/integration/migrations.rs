//! Latchkey's migrations on this run's database (SQLite, or the throwaway
//! PostgreSQL): several app servers starting at once on a new database all
//! come up, and each migration is recorded once, in Latchkey's own table.

use std::str::FromStr;

use latchkey::store::Store;

use crate::harness::{fresh_database, on_postgres, open_database};

/// (Spawned on a multi-threaded runtime: the start-up future is `Send`, so
/// a host may start Latchkey from any task.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_servers_migrating_a_new_database_at_once_all_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { Store::connect(&url).await.map(|_| ()) })
        })
        .collect();
    for start in starts {
        start.await.unwrap().expect("every server starts");
    }
    let pool = open_database(&url).await;
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM latchkey_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(versions, every_version());
    pool.close().await;
}

/// What this run's backend says of Latchkey's tables: columns, foreign keys
/// and named indexes.
async fn schema(url: &str) -> Vec<String> {
    let pool = open_database(url).await;
    let queries: &[&str] = if on_postgres() {
        &[
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name LIKE 'latchkey_%'
               AND table_name <> 'latchkey_migrations'
             ORDER BY table_name, column_name",
            "SELECT k.table_name || '.' || k.column_name || ' -> ' || c.table_name || ' ' || r.delete_rule
             FROM information_schema.referential_constraints r
             JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name
             JOIN information_schema.constraint_column_usage c ON c.constraint_name = r.constraint_name
             WHERE k.table_name LIKE 'latchkey_%'
             ORDER BY 1",
            "SELECT indexname::text FROM pg_indexes
             WHERE schemaname = current_schema() AND indexname LIKE 'latchkey_%_by_%'
             ORDER BY 1",
        ]
    } else {
        &[
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\"
             FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name LIKE 'latchkey_%' AND m.name <> 'latchkey_migrations'
             ORDER BY m.name, p.name",
            "SELECT m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || ' ' || f.on_delete
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND m.name LIKE 'latchkey_%'
             ORDER BY 1",
            "SELECT name FROM sqlite_master
             WHERE type = 'index' AND name LIKE 'latchkey_%_by_%'
             ORDER BY 1",
        ]
    };
    let mut facts = Vec::new();
    for query in queries {
        let rows: Vec<String> = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
        facts.extend(rows);
    }
    pool.close().await;
    facts
}

/// A new database gets the baseline schema at once; an old one got the
/// same schema through migrations 1 to 7. They must not drift apart.
#[tokio::test]
async fn a_new_database_has_the_schema_an_upgraded_one_has() {
    let dir = tempfile::tempdir().unwrap();
    let upgraded = fresh_database(&dir.path().join("a")).await;
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    if on_postgres() {
        let pool = sqlx::PgPool::connect(&upgraded).await.unwrap();
        version_6(sqlx::migrate!("../src/store/migrations/postgres"))
            .run(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&upgraded)
            .unwrap()
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        version_6(sqlx::migrate!("../src/store/migrations/sqlite"))
            .run(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    Store::connect(&upgraded).await.unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    let new = fresh_database(&dir.path().join("b")).await;
    Store::connect(&new).await.unwrap();

    let (before, after) = (schema(&upgraded).await, schema(&new).await);
    assert!(before.len() > 40, "{before:#?}");
    assert_eq!(before, after);
}

/// Migrations 1 to 6: a database as the last release before
/// `latchkey_migrations` left it.
fn version_6(mut migrator: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    let kept: Vec<_> = migrator
        .iter()
        .filter(|m| m.version <= 6)
        .cloned()
        .collect();
    migrator.migrations = std::borrow::Cow::Owned(kept);
    migrator
}

/// 1 to the newest migration's version: one per file in the core's
/// `migrations/sqlite`.
fn every_version() -> Vec<i64> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../src/store/migrations/sqlite"
    );
    let count = std::fs::read_dir(dir).unwrap().count() as i64;
    (1..=count).collect()
}
