//! Latchkey's migrations on this run's database (SQLite, or the throwaway
//! PostgreSQL): several app servers starting at once on a new database all
//! come up, and each migration is recorded once, in Latchkey's own table.

use latchkey::store::Store;

use crate::harness::{fresh_database, open_database};

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
    assert_eq!(versions, (1..=7).collect::<Vec<i64>>());
    pool.close().await;
}
